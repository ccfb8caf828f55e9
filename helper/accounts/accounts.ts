/**
 * Accounts and their devices' keys: how a program that has its own users (a media server, say)
 * hands each of their devices a tailnet key. An account maps to one Headscale user; a device
 * of that account gets one pre-auth key, handed out again while it can still register the device.
 */
import type { MintResult } from "../protocol/types.js";
import type { AdminClient } from "../headscale/admin-client.js";
import { durationMs } from "../util/duration.js";
import { SerialQueue } from "../util/serial-queue.js";
import { canReuse } from "./device-keys.js";
import type { DeviceKeyStore } from "./device-key-store.js";
import { accountUserName } from "./user-name.js";
import type { NodeKey } from "../tailnet/node-key-store.js";

export interface MintRequest {
  deviceId: string;
  deviceName?: string;
  account?: string;
}

export class Accounts {
  /** Mints run one at a time, so two logins of one device at once still get one key. */
  private readonly mints = new SerialQueue();

  constructor(
    private readonly admin: AdminClient,
    private readonly store: DeviceKeyStore,
    private readonly options: {
      coordinationUrl: () => string;
      keyExpiration: () => string;
      defaultAccount: string;
      now?: () => Date;
    },
  ) {}

  /** "phone (family)": the device and account a key was minted for here, if it was. */
  deviceOf(keyId: string): string | null {
    const record = this.store.deviceOf(keyId);
    return record ? `${record.deviceName ?? record.deviceId} (${record.account})` : null;
  }

  /** The Headscale user of the person running the helper: where their own devices go by default. */
  ownUser(): Promise<{ id: string; name: string }> {
    return this.ensureUser(this.options.defaultAccount);
  }

  /** The account's Headscale user, created on first use. */
  async ensureUser(account: string): Promise<{ id: string; name: string }> {
    const name = accountUserName(account);
    const [existing] = await this.admin.listUsers(name);
    if (existing) return existing;
    try {
      return await this.admin.createUser(name);
    } catch (error) {
      // Someone else created it between our look and our create.
      const [created] = await this.admin.listUsers(name);
      if (created) return created;
      throw error;
    }
  }

  /**
   * A key for this computer's own tailnet node: reusable (it may have to log in again after
   * its state is lost) and not ephemeral (the node and its IPs outlive a restart).
   */
  async nodeKey(account: string, lifetime: string): Promise<NodeKey> {
    const user = await this.ensureUser(account);
    const expiration = new Date((this.options.now?.() ?? new Date()).getTime() + durationMs(lifetime));
    const created = await this.admin.createPreAuthKey({
      userId: user.id,
      expiration,
      reusable: true,
      ephemeral: false,
    });
    return {
      account,
      user: user.name,
      keyId: created.id,
      preAuthKey: created.key,
      expiresAt: created.expiration ?? expiration.toISOString(),
    };
  }

  mint(request: MintRequest): Promise<MintResult> {
    return this.mints.run(() => this.doMint(request));
  }

  private async doMint({
    deviceId,
    deviceName,
    account = this.options.defaultAccount,
  }: MintRequest): Promise<MintResult> {
    await this.store.rereadIfDamaged();
    const now = this.options.now?.() ?? new Date();
    const user = await this.ensureUser(account);
    const base = { coordinationUrl: this.options.coordinationUrl(), user: user.name, account, deviceId };
    const record = this.store.get(account, deviceId);
    if (record) {
      const state = (await this.admin.listPreAuthKeys()).find((key) => key.id === record.keyId);
      if (canReuse(record, state, now)) {
        return {
          ...base,
          preAuthKey: record.preAuthKey,
          expiresAt: state?.expiration ?? record.expiresAt,
          reused: true,
        };
      }
    }
    const expiration = new Date(now.getTime() + durationMs(this.options.keyExpiration()));
    const created = await this.admin.createPreAuthKey({
      userId: user.id,
      expiration,
      reusable: false,
      ephemeral: false,
    });
    const expiresAt = created.expiration ?? expiration.toISOString();
    await this.store.put({
      account,
      deviceId,
      deviceName,
      user: user.name,
      keyId: created.id,
      preAuthKey: created.key,
      expiresAt,
      createdAt: now.toISOString(),
    });
    return { ...base, preAuthKey: created.key, expiresAt, reused: false };
  }
}
