/**
 * Whose node this computer's node is, and its name: changing the account makes a new node (a new
 * key, a fresh login, the old key and node retired); changing the hostname renames it in Headscale
 * too, as Headscale keeps a known node's given name when its host name changes.
 */
import { BridgeError } from "./bridge-error.js";
import type { BridgeStore } from "./bridge-store.js";
import { tailnetHostname } from "./hostname.js";
import type { NodeLifecycle, NodeWanted } from "./node-lifecycle.js";
import type { NodeKey, NodeKeyStore } from "./node-key-store.js";

export interface IdentityRequest {
  account?: string;
  /** Any name: it is made a DNS label as the machine's own name is ("My Mac" → my-mac). */
  hostname?: string;
}

export interface IdentityOptions {
  store: BridgeStore;
  node: NodeLifecycle;
  keys: NodeKeyStore;
  /** The identity in force: the saved one, or the defaults. */
  wanted: () => NodeWanted;
  /** Best effort: expires a key the node no longer uses and deletes the node it made. */
  retire: (key: NodeKey, ipv4: string | undefined) => Promise<void>;
  /** Best effort: gives the node at this address a new name in Headscale too. */
  rename: (ipv4: string, name: string) => Promise<void>;
  /** The id of another node than the one at `ipv4` already named `name`; undefined when none, or unknown. */
  nameHolder: (name: string, ipv4: string | undefined) => Promise<string | undefined>;
}

export class NodeIdentity {
  constructor(private readonly options: IdentityOptions) {}

  /** In the node's queue: saves the new identity; a node that runs rejoins with it. */
  async change(request: IdentityRequest): Promise<void> {
    const { store, node, keys } = this.options;
    const { account } = request;
    const hostname = request.hostname === undefined ? undefined : tailnetHostname(request.hostname);
    const was = this.options.wanted();
    const newAccount = account !== undefined && account !== was.account;
    const newHostname = hostname !== undefined && hostname !== was.hostname;
    // Headscale would give the node another name without a word ("phone-1"): refused, as nodes rename does.
    const holder = newHostname ? await this.options.nameHolder(hostname, node.native()?.ipv4 ?? undefined) : undefined;
    if (holder) throw new BridgeError(`hostname: ${hostname} is taken by node ${holder}; choose another`, "conflict");
    // A new owner is a new node: get its key first, so a mistake (or Headscale down) loses nothing.
    const oldKey = newAccount ? await keys.load() : undefined;
    const newKey = newAccount ? await node.provision(account) : undefined;
    const oldIp = node.native()?.ipv4 ?? undefined;
    if (newAccount || newHostname) {
      await node.stop();
      if (newAccount) await node.forgetLogin();
    }
    const current = store.current();
    await store.save({
      ...current,
      ...(account !== undefined ? { account } : {}),
      ...(hostname !== undefined ? { hostname } : {}),
    });
    if (newKey && oldKey && oldKey.keyId !== newKey.keyId) await this.options.retire(oldKey, oldIp);
    if (newHostname && !newAccount && oldIp) await this.options.rename(oldIp, hostname);
    await node.start().catch((error: Error) => node.fail(error.message));
  }
}
