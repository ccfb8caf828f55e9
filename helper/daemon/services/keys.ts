/**
 * Keys: API keys for Headscale's REST API, pre-auth keys made to order, and device keys handed
 * out per account and device (their own rules live in accounts/).
 */
import type { Accounts, MintRequest } from "../../accounts/accounts.js";
import type { AdminClient } from "../../headscale/admin-client.js";
import { toApiKey, toPreAuthKey } from "../../headscale/admin-schemas.js";
import type { Settings } from "../../protocol/settings.js";
import type { ApiKey, CreatedPreAuthKey, MintResult, PreAuthKey } from "../../protocol/types.js";
import type { TailnetBridge } from "../../tailnet/bridge.js";
import { durationMs } from "../../util/duration.js";
import { BadInputError, NotFoundError } from "../errors.js";
import type { NodeService } from "./nodes.js";
import type { UserService } from "./users.js";

export interface KeyServiceDeps {
  admin: AdminClient;
  accounts: Pick<Accounts, "mint" | "deviceOf">;
  users: Pick<UserService, "namedOrOwn">;
  nodes: Pick<NodeService, "nameAt">;
  /** This computer's node, whose address a minted key's device is given. */
  bridge: Pick<TailnetBridge, "remote">;
  settings: () => Settings;
  /** The URL devices log in to, as Headscale runs now. */
  serverUrl: () => string;
  /** One line in the helper's log for a change made through it. */
  audit: (what: string) => void;
}

export interface PreAuthKeyRequest {
  /** null: nobody's key, whose tags own the devices it joins; undefined: the person's own user. */
  user: string | null | undefined;
  reusable: boolean;
  ephemeral: boolean;
  tags: string[];
  /** Default: the clientKeyExpiration setting. */
  expiration: string | undefined;
}

export class KeyService {
  constructor(private readonly deps: KeyServiceDeps) {}

  async createApiKey(expiration: string | undefined): Promise<{ apiKey: string; expiresAt: string }> {
    const expiresAt = new Date(Date.now() + durationMs(expiration ?? this.deps.settings().apiKeyExpiration));
    const apiKey = await this.deps.admin.createApiKey(expiresAt);
    this.deps.audit(`created an API key expiring ${expiresAt.toISOString()}`);
    return { apiKey, expiresAt: expiresAt.toISOString() };
  }

  async listApiKeys(): Promise<ApiKey[]> {
    return (await this.deps.admin.listApiKeys()).map(toApiKey);
  }

  async expireApiKey(prefix: string): Promise<void> {
    await this.deps.admin.expireApiKey(prefix);
  }

  /** A device's key (the same one again while it can still register), with where this computer is. */
  async mint(request: MintRequest): Promise<MintResult> {
    const remote = this.deps.bridge.remote();
    const name = remote && (await this.deps.nodes.nameAt(remote.remoteIp));
    const result = { ...(await this.deps.accounts.mint(request)), ...remote, ...(name && { remoteHostname: name }) };
    this.deps.audit(
      `${result.reused ? "reused" : "minted"} a pre-auth key for device ${JSON.stringify(request.deviceId)} of ${result.user}`,
    );
    return result;
  }

  /** A key with options, for any user (or none, with tags): unlike mint, never handed out again. */
  async createPreAuthKey({
    user,
    reusable,
    ephemeral,
    tags,
    expiration,
  }: PreAuthKeyRequest): Promise<CreatedPreAuthKey> {
    if (user === null && tags.length === 0) throw new BadInputError("a key for no user must give tags");
    const owner = user === null ? null : await this.deps.users.namedOrOwn(user);
    const expiresAt = new Date(Date.now() + durationMs(expiration ?? this.deps.settings().clientKeyExpiration));
    const created = await this.deps.admin.createPreAuthKey({
      userId: owner?.id ?? "0", // 0: nobody's; the key's tags own the devices it joins
      expiration: expiresAt,
      reusable,
      ephemeral,
      tags,
    });
    const flags = [reusable && "reusable", ephemeral && "ephemeral", ...tags].filter(Boolean).join(", ");
    const key = {
      id: created.id,
      preAuthKey: created.key,
      user: owner?.name ?? null,
      reusable,
      ephemeral,
      tags: created.aclTags,
      expiresAt: created.expiration ?? expiresAt.toISOString(),
      coordinationUrl: this.deps.serverUrl(),
    };
    this.deps.audit(`created pre-auth key ${created.id} for ${owner?.name ?? "tags"}${flags ? ` (${flags})` : ""}`);
    return key;
  }

  /** Every pre-auth key, with the device each was minted for here, if it was. */
  async listPreAuthKeys(): Promise<PreAuthKey[]> {
    return (await this.deps.admin.listPreAuthKeys()).map((key) => ({
      ...toPreAuthKey(key),
      device: this.deps.accounts.deviceOf(key.id),
    }));
  }

  /** Expires the key now; one already expired stays as it is. */
  async expirePreAuthKey(id: string): Promise<void> {
    // Headscale 0.29 answers success for an id it does not have.
    const key = (await this.deps.admin.listPreAuthKeys()).find((listed) => listed.id === id);
    if (!key) throw new NotFoundError(`no pre-auth key with id ${id}`);
    // Expiring it again would move its expiry later: it stays as it is.
    if (key.expiration !== null && Date.parse(key.expiration) <= Date.now()) return;
    await this.deps.admin.expirePreAuthKey(id);
    this.deps.audit(`expired pre-auth key ${id}`);
  }
}
