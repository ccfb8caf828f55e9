/**
 * The bridge: this computer's own node on the tailnet, and the tailnet ports it forwards to
 * services on localhost. Fire-and-forget, like the rest of remote access: when Headscale is
 * down, the key is refused or the addon is missing, the reason is logged and shown in
 * status, and nothing is thrown into the helper's other work.
 *
 * Every change of the node (start, stop, rejoin, a new identity) runs through one queue, so
 * no two ever overlap on the node's state folder.
 */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Settings } from "../protocol/settings.js";
import type { BridgeMapping, BridgeStatus, TailnetStatus } from "../protocol/types.js";
import { SerialQueue } from "../util/serial-queue.js";
import type { TailnetAddon } from "./addon.js";
import type { NodeKey, NodeKeyStore } from "./node-key-store.js";
import { tailnetHostname } from "./hostname.js";
import { TailnetNode } from "./node.js";

type BridgeSettings = Settings["bridge"];

export interface BridgeOptions {
  /** The node's state folder (its identity: the same IPs after a restart). */
  stateDir: string;
  keys: NodeKeyStore;
  loadAddon: () => Promise<TailnetAddon>;
  settings: () => BridgeSettings;
  /** Saves the bridge's part of the settings, on top of the latest others. */
  saveSettings: (next: BridgeSettings) => Promise<void>;
  /** Where the node finds Headscale: its listen address, on this computer. */
  controlUrl: () => string;
  /** Mints the node's reusable key for an account's user; needs Headscale running. */
  provision: (account: string) => Promise<NodeKey>;
  /** Best effort: expires a key the node no longer uses and deletes the node it made. */
  retire: (key: NodeKey, ipv4: string | undefined) => Promise<void>;
  /** Best effort: gives the node at this address a new name in Headscale too. */
  rename: (ipv4: string, name: string) => Promise<void>;
  defaultAccount: string;
  defaultHostname: string;
  log: (text: string) => void;
  /** Passes tsnet's backend log lines on too. */
  verbose?: boolean;
}

/** What a bridge request got wrong: the helper turns the kind into its error code. */
export class BridgeError extends Error {
  constructor(
    message: string,
    readonly kind: "bad-input" | "not-found" | "unavailable" = "unavailable",
  ) {
    super(message);
    this.name = "BridgeError";
  }
}

/** The native library says "tailnet: …" for any host program; here the line already says where it is from. */
const withoutLibraryPrefix = (message: string) => message.replace(/^tailnet: /, "");

/** How long a node may say NeedsLogin before its saved login is taken as lost. */
const LOGGED_OUT_GRACE_MS = 10_000;

/**
 * Whether Headscale's word on the node means its key was refused (Headscale 0.29's answers to a
 * registration: "invalid pre auth key", "authkey expired", "authkey already used", "node exists
 * with a different machine key"), rather than Headscale failing ("sql: database is closed").
 */
export function isKeyRefusal(message: string): boolean {
  return /pre auth key|authkey|machine key/i.test(message);
}

const NO_COUNTERS = { active: 0, total: 0, refused: 0, bytesIn: 0, bytesOut: 0, lastError: null, lastClient: null };

export class TailnetBridge {
  private node?: TailnetNode;
  private readonly queue = new SerialQueue();
  private closed = false;
  /** Before the node has a backend state of its own. */
  private phase: "off" | "unavailable" | "provisioning" | "waiting" | "failed" = "off";
  private lastError: string | null = null;
  /** A refused key is replaced once per success, not in a loop. */
  private keyReplaced = false;

  constructor(private readonly options: BridgeOptions) {}

  private account(): string {
    return this.options.settings().account ?? this.options.defaultAccount;
  }

  private hostname(): string {
    return this.options.settings().hostname ?? this.options.defaultHostname;
  }

  private fail(message: string): void {
    this.lastError = message;
    this.options.log(`[tailnet] ${message}`);
  }

  /** Queued work that must never throw into its caller (events, Headscale coming up). */
  private background(operation: () => Promise<void>): Promise<void> {
    return this.queue.run(operation).catch((error: Error) => this.fail(error.message));
  }

  /**
   * Brings the node up when there are mappings to serve, at the address Headscale listens on
   * now; call it at start and whenever Headscale comes up. Never throws: failures land in status.
   */
  ensure(): Promise<void> {
    return this.background(() => this.startNow());
  }

  private async startNow(): Promise<void> {
    if (this.node && this.node.options.controlUrl !== this.options.controlUrl()) {
      // Headscale moved (listenAddr changed): the node starts again, with its login, at the new address.
      this.options.log(`[tailnet] Headscale moved to ${this.options.controlUrl()}; the node follows`);
      await this.stopNow();
    }
    if (this.closed || this.node || this.options.settings().mappings.length === 0) return;
    let addon: TailnetAddon;
    try {
      addon = await this.options.loadAddon();
    } catch (error) {
      this.phase = "unavailable";
      throw error;
    }
    let key = await this.options.keys.load();
    if (key && key.account !== this.account()) key = undefined;
    const loggedIn = existsSync(join(this.options.stateDir, "tailscaled.state"));
    if (!key && !loggedIn) key = await this.provisionAndStore(this.account());
    this.launch(addon, key, loggedIn);
  }

  private async provisionAndStore(account: string): Promise<NodeKey> {
    this.phase = "provisioning";
    let key: NodeKey;
    try {
      key = await this.options.provision(account);
    } catch (error) {
      this.phase = "waiting";
      throw new BridgeError(`cannot get a key for this computer's node yet: ${(error as Error).message}`);
    }
    await this.options.keys.save(key);
    this.lastError = null;
    this.options.log(`[tailnet] provisioned a key for this computer's node (user ${key.user})`);
    return key;
  }

  private launch(addon: TailnetAddon, key: NodeKey | undefined, withSavedLogin: boolean): void {
    const node = new TailnetNode(addon, {
      dir: this.options.stateDir,
      hostname: this.hostname(),
      controlUrl: this.options.controlUrl(),
      authKey: key?.preAuthKey,
      verbose: this.options.verbose,
    });
    this.node = node;
    this.phase = "off";
    // Events of a node that has since been replaced are ignored.
    const current = () => this.node === node;
    node.on("log", (text) => this.options.log(`[tailnet] ${text}`));
    node.on("started", () => current() && this.reconcile());
    let wasRunning = false;
    let loggedOut: NodeJS.Timeout | undefined;
    node.on("state", (state) => {
      if (!current()) return;
      this.options.log(`[tailnet] node ${state.toLowerCase()}`);
      if (state === "Running") {
        clearTimeout(loggedOut);
        wasRunning = true;
        this.lastError = null;
        this.keyReplaced = false;
      } else if (state === "NeedsLogin" && (wasRunning || withSavedLogin) && !loggedOut) {
        // Logged out from Headscale's side (expired, deleted while we were away, another
        // database): the saved login is worthless, so join afresh with the stored key. Only
        // if it lasts: a node can pass through NeedsLogin on its way back.
        loggedOut = setTimeout(() => {
          if (current() && node.backendState === "NeedsLogin") {
            void this.rejoinAsNew(node, "Headscale no longer knows this computer's node; joining again as a new node");
          }
          loggedOut = undefined;
        }, LOGGED_OUT_GRACE_MS);
      }
    });
    node.on("refused", (message) => {
      if (!current()) return;
      if (!isKeyRefusal(message)) {
        // Headscale failed (restarting, its database closed): the key is fine and tsnet tries
        // again by itself. Replacing the key here made a new node with new IPs.
        this.fail(`Headscale could not take the node yet (${message}); it tries again by itself`);
        return;
      }
      this.fail(`the node was refused: ${message}`);
      // Even while "Running": a node with a saved login runs on its cached map at first.
      void this.replaceRefusedKey(node);
    });
    node.on("startFailed", (message) => {
      if (!current()) return;
      this.phase = "failed";
      this.node = undefined;
      this.fail(`the node could not start: ${withoutLibraryPrefix(message)}`);
      void node.close();
    });
    node.up();
  }

  /**
   * Makes the started node forward exactly the saved mappings. Called when it starts and after
   * every change, so a change saved while it was starting is never missed.
   */
  private reconcile(): void {
    const node = this.node;
    if (!node?.isStarted) return;
    const wanted = this.options.settings().mappings;
    const live = node.status().forwards ?? [];
    for (const forward of live) {
      if (!wanted.some((m) => m.tailnetPort === forward.tailnetPort && m.localPort === forward.localPort)) {
        node.removeForward(forward.tailnetPort);
      }
    }
    for (const { tailnetPort, localPort } of wanted) {
      if (live.some((f) => f.tailnetPort === tailnetPort && f.localPort === localPort)) continue;
      try {
        node.addForward(tailnetPort, localPort);
      } catch (error) {
        this.fail(`tailnet port ${tailnetPort}: ${withoutLibraryPrefix((error as Error).message)}`);
      }
    }
  }

  private async stopNow(): Promise<void> {
    const node = this.node;
    this.node = undefined;
    await node?.close();
  }

  private async forgetLogin(): Promise<void> {
    await rm(this.options.stateDir, { recursive: true, force: true });
  }

  /** Drops the node's login and joins afresh with the stored key (a new node, new IPs). */
  private rejoinAsNew(node: TailnetNode, why: string): Promise<void> {
    return this.background(async () => {
      if (this.node !== node) return;
      this.fail(why);
      await this.stopNow();
      await this.forgetLogin();
      await this.startNow();
    });
  }

  /** Headscale refused the node's key (expired, deleted, another database): get a new one, once. */
  private replaceRefusedKey(node: TailnetNode): Promise<void> {
    return this.background(async () => {
      if (this.node !== node || this.keyReplaced) return;
      this.keyReplaced = true;
      const refused = await this.options.keys.load();
      await this.stopNow();
      await this.options.keys.forget();
      await this.forgetLogin();
      await this.startNow();
      // A key refused for another reason than its end (a node with another machine key) may still
      // be valid: once replaced, nobody should be able to join with it.
      const replacement = await this.options.keys.load();
      if (refused && replacement && refused.keyId !== replacement.keyId) await this.options.retire(refused, undefined);
    });
  }

  /**
   * Headscale 0.29 keeps serving a deleted node's open map session, so the node cannot tell
   * it was deleted: the helper calls this when it deletes a node itself.
   */
  get hasNode(): boolean {
    return this.node !== undefined;
  }

  rejoinIfMine(deletedIps: string[]): void {
    const node = this.node;
    const mine = node?.status().ipv4;
    if (node && mine && deletedIps.includes(mine)) {
      void this.rejoinAsNew(node, "this computer's node was deleted in Headscale; joining again as a new node");
    }
  }

  /** Adds (or keeps) a mapping and saves it; the node comes up if it is not. */
  add(request: { localPort: number; tailnetPort?: number; account?: string; hostname?: string }) {
    if (request.hostname !== undefined) request = { ...request, hostname: tailnetHostname(request.hostname) };
    return this.queue.run(async () => {
      await this.options.loadAddon();
      const tailnetPort = request.tailnetPort ?? request.localPort;
      const current = this.options.settings();
      const existing = current.mappings.find((m) => m.tailnetPort === tailnetPort);
      if (existing && existing.localPort !== request.localPort) {
        throw new BridgeError(
          `tailnet port ${tailnetPort} already forwards to local port ${existing.localPort}; remove that mapping first`,
          "bad-input",
        );
      }
      const newAccount = request.account !== undefined && request.account !== this.account();
      const newHostname = request.hostname !== undefined && request.hostname !== this.hostname();
      // A new owner is a new node: get its key first, so a mistake (or Headscale down) loses nothing.
      const oldKey = newAccount ? await this.options.keys.load() : undefined;
      const newKey = newAccount ? await this.provisionAndStore(request.account!) : undefined;
      const oldIp = this.node?.status().ipv4;
      const next: BridgeSettings = {
        ...current,
        ...(request.account !== undefined ? { account: request.account } : {}),
        ...(request.hostname !== undefined ? { hostname: request.hostname } : {}),
        mappings: existing ? current.mappings : [...current.mappings, { tailnetPort, localPort: request.localPort }],
      };
      if (newAccount || newHostname) {
        await this.stopNow();
        if (newAccount) await this.forgetLogin();
      }
      await this.options.saveSettings(next);
      if (newKey && oldKey && oldKey.keyId !== newKey.keyId) await this.options.retire(oldKey, oldIp);
      // Headscale keeps a known node's given name when its host name changes: rename it there too.
      if (newHostname && !newAccount && oldIp) await this.options.rename(oldIp, this.hostname());
      this.reconcile();
      if (this.node?.isStarted && !(this.node.status().forwards ?? []).some((f) => f.tailnetPort === tailnetPort)) {
        await this.options.saveSettings(current); // the port cannot be listened on: keep nothing of it
        throw new BridgeError(`cannot listen on tailnet port ${tailnetPort}: ${this.lastError ?? "unknown reason"}`);
      }
      await this.startNow().catch((error: Error) => this.fail(error.message));
      return this.statusNow();
    });
  }

  /** Removes one mapping, or every one; with none left the node leaves (its identity is kept). */
  remove(tailnetPort?: number): Promise<BridgeStatus> {
    return this.queue.run(async () => {
      const current = this.options.settings();
      if (tailnetPort !== undefined && !current.mappings.some((m) => m.tailnetPort === tailnetPort)) {
        throw new BridgeError(`tailnet port ${tailnetPort} is not forwarded`, "not-found");
      }
      const mappings = tailnetPort === undefined ? [] : current.mappings.filter((m) => m.tailnetPort !== tailnetPort);
      await this.options.saveSettings({ ...current, mappings });
      if (mappings.length === 0) await this.stopNow();
      else this.reconcile();
      if (mappings.length === 0) this.phase = "off";
      return this.statusNow();
    });
  }

  /** The node as the status view shows it. */
  tailnetStatus(): TailnetStatus {
    const native = this.node?.status();
    const hasMappings = this.options.settings().mappings.length > 0;
    let state: string = this.phase;
    if (this.node) {
      // A join with a key passes through NeedsLogin: it needs nothing from the person.
      const joining = !native || native.state === "NoState" || (native.state === "NeedsLogin" && !this.lastError);
      state = joining ? "Starting" : native.state;
    } else if (this.phase === "off" && hasMappings) state = "Starting";
    return {
      state,
      hostname: hasMappings || this.node ? this.hostname() : null,
      ipv4: native?.ipv4 || null,
      ipv6: native?.ipv6 || null,
      account: hasMappings ? this.account() : null,
      lastError: this.lastError,
      relay: native?.relay || null,
      relayProblem: native?.relayProblem || null,
    };
  }

  private statusNow(): BridgeStatus {
    const live = new Map((this.node?.status().forwards ?? []).map((f) => [f.tailnetPort, f]));
    const mappings: BridgeMapping[] = this.options.settings().mappings.map((m) => {
      const f = live.get(m.tailnetPort);
      if (!f) return { ...m, ...NO_COUNTERS };
      return { ...f, lastError: f.lastError ?? null, lastClient: f.lastClient ?? null };
    });
    return { ...this.tailnetStatus(), mappings };
  }

  /** Throws when the bridge cannot work in this helper at all (no addon). */
  async status(): Promise<BridgeStatus> {
    await this.options.loadAddon();
    return this.statusNow();
  }

  /**
   * The status once the node runs with an address, as `tailscale up` waits: or sooner, when it has
   * failed, is off, or `timeoutMs` has passed (its lastError then says why, if it knows).
   */
  async running(timeoutMs: number): Promise<BridgeStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { state, ipv4, lastError } = this.tailnetStatus();
      // Waiting on Headscale, without the addon, or refused: the status already says why, and
      // waiting longer would only delay that answer.
      const settled =
        (state === "Running" && ipv4 !== null) ||
        ["failed", "off", "waiting", "unavailable"].includes(state) ||
        (state === "NeedsLogin" && lastError !== null);
      if (settled || Date.now() >= deadline) return this.statusNow();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** This computer's tailnet name and IPv4 while the node runs: what a minted key's device needs. */
  remote(): { remoteHostname: string; remoteIp: string } | undefined {
    const s = this.tailnetStatus();
    if (s.state !== "Running" || !s.ipv4 || !s.hostname) return undefined;
    return { remoteHostname: s.hostname, remoteIp: s.ipv4 };
  }

  /** Stops the node for good: nothing queued after this starts it again. */
  close(): Promise<void> {
    this.closed = true;
    return this.queue.run(() => this.stopNow());
  }
}
