/**
 * The helper: assembles its parts for one home and serves them on the socket.
 * Everything long-lived in the product is owned here.
 */
import { rm, rmdir } from "node:fs/promises";
import { hostname, tmpdir, userInfo } from "node:os";
import { dirname } from "node:path";
import { Accounts } from "../accounts/accounts.js";
import { DeviceKeyStore } from "../accounts/device-key-store.js";
import { healthTarget, nodeControlUrl } from "../config/addresses.js";
import {
  ensureHeadscaleConfig,
  loadAddresses,
  loadSettings,
  recoverUnfinishedChange,
} from "../config/settings-store.js";
import type { AdminClient } from "../headscale/admin-client.js";
import { secretEnv } from "../headscale/child-env.js";
import { GrpcAdmin } from "../headscale/grpc/grpc-admin.js";
import { endOrphans } from "../headscale/pid-file.js";
import { retireOldApiKey } from "../headscale/retire-api-key.js";
import { HeadscaleSupervisor } from "../headscale/supervisor.js";
import { acquireHomeLock } from "../home/lock.js";
import { homePaths, type HomePaths } from "../home/paths.js";
import { ensureHome } from "../home/home-dir.js";
import { ensureHomeFolder } from "../home/secure-fs.js";
import { ensureSocketDir } from "../home/socket-dir.js";
import { LogStore } from "../logs/log-store.js";
import type { Settings } from "../protocol/settings.js";
import { loadAddon } from "../tailnet/addon.js";
import { TailnetBridge } from "../tailnet/bridge.js";
import { BridgeStore } from "../tailnet/bridge-store.js";
import { moveBridgeOutOfSettings } from "../tailnet/bridge-upgrade.js";
import { tailnetHostname } from "../tailnet/hostname.js";
import { NodeKeyStore } from "../tailnet/node-key-store.js";
import { toRpcError } from "./errors.js";
import { createHandlers } from "./handlers.js";
import { HelperState } from "./helper-state.js";
import { NodeCounts } from "./node-counts.js";
import { AclPolicy } from "../policy/acl-policy.js";
import { PolicyHistory } from "../policy/policy-history.js";
import { IdleCollector } from "./idle-collector.js";
import { startRpcServer } from "./rpc-server.js";
import { HelperFailure } from "../util/failure.js";

/** The server node's key is reusable and outlives many restarts; the node keeps its own login meanwhile. */
const NODE_KEY_LIFETIME = "3650d";

export interface DaemonOptions {
  home: string;
  /** Overrides the autoStart setting (tests, `helper --no-start`). */
  autoStart?: boolean;
  /** Called after a client asked the helper to shut down and it has. */
  onShutdown?: () => void;
  /** The build this helper answers as (see buildOf); none for a helper inside another program. */
  build?: string | null;
  /** The file this helper runs from (clients replace only a helper of their own install). */
  entry?: string | null;
}

export interface Daemon {
  paths: HomePaths;
  /** The settings in force (they change with config.set). */
  settings(): Settings;
  /** The URL devices log in to, as Headscale runs now. */
  serverUrl(): string;
  supervisor: HeadscaleSupervisor;
  logs: LogStore;
  bridge: TailnetBridge;
  /** Settles when the auto-start (if any) has finished, well or badly. */
  autoStarted: Promise<void>;
  /** Stops Headscale (SIGTERM, grace, SIGKILL), closes the socket, releases the home. */
  close(): Promise<void>;
}

/**
 * Runs the helper in this process: takes the home's lock, assembles the parts and serves the
 * socket. (Short-lived commands start a detached helper with the client's `ensureHelper`.)
 */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const paths = homePaths(options.home, tmpdir());
  // Everything the helper and Headscale create (the database included) is the user's alone.
  process.umask(0o077);
  await ensureHome(paths);
  for (const dir of ["state", "secrets", "logs"]) await ensureHomeFolder(`${paths.home}/${dir}`);
  const lock = await acquireHomeLock(paths.helperLock, paths.home);
  try {
    return await assemble(paths, options, lock.release);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function assemble(paths: HomePaths, options: DaemonOptions, releaseLock: () => Promise<void>): Promise<Daemon> {
  // Before anything listens there (this helper, or Headscale's admin socket beside it).
  await ensureSocketDir(paths.helperSocket, paths.home);
  // Before a cut-short change is undone: the mappings an older helper kept in settings.json stay.
  const movedBridge = await moveBridgeOutOfSettings(paths);
  const undone = await recoverUnfinishedChange(paths);
  const settings = await loadSettings(paths);
  await ensureHeadscaleConfig(paths, settings);
  const logs = await LogStore.open(paths.logFile, settings.logLines);
  logs.append("helper", `helper ${process.pid} starting for ${paths.home}`);
  if (movedBridge) logs.append("helper", movedBridge);
  if (undone) {
    logs.append(
      "helper",
      "a settings change was cut short (the helper was ended during it); the previous settings are back",
    );
  }

  for (const orphan of await endOrphans(paths.headscalePid, paths.headscaleConfig)) {
    logs.append("helper", `ended Headscale pid ${orphan}, left running by a previous helper`);
  }

  const state = new HelperState(paths, settings, await loadAddresses(paths, settings));
  const supervisor = new HeadscaleSupervisor({
    prepare: () => state.prepareStart(),
    binary: () => state.binaryToStart(),
    configPath: paths.headscaleConfig,
    cwd: paths.home,
    pidFile: paths.headscalePid,
    health: () => healthTarget(state.addresses()),
    extraEnv: () => secretEnv(state.settings()),
    onLog: (stream, text) => logs.append(stream, text),
  });

  const admin: AdminClient = new GrpcAdmin(() => state.addresses().unixSocket ?? paths.headscaleSocket);
  const counts = new NodeCounts(admin);
  const collector = new IdleCollector();
  const deviceKeys = await DeviceKeyStore.open(paths.deviceKeys);
  if (deviceKeys.damage) logs.append("helper", deviceKeys.damage.message);
  const accounts = new Accounts(admin, deviceKeys, {
    coordinationUrl: () => state.serverUrl(),
    keyExpiration: () => state.settings().clientKeyExpiration,
    defaultAccount: userInfo().username,
  });
  const bridgeStore = await BridgeStore.open(paths.bridge);
  const bridge = createBridge({ paths, store: bridgeStore, state, supervisor, admin, accounts, logs });

  // Each time Headscale comes up (asked for, or after a crash): a fresh connection to the new
  // process, then node counts and the bridge follow on their own (a moved Headscale is followed).
  supervisor.on("state", (headscaleState) => {
    collector.touch();
    if (headscaleState !== "running") return counts.stop();
    admin.close();
    setImmediate(() => counts.start()); // after the start request's answer has gone out
    void bridge.ensure();
    void retireOldApiKey(paths.legacyApiKey, admin).catch((error: Error) =>
      logs.append("helper", `old API key: ${error.message}`),
    );
  });

  const close = once(async () => {
    counts.stop();
    collector.stop();
    await server.close();
    await bridge.close(); // before Headscale, or the node spends its last moments reconnecting
    await supervisor.stop();
    admin.close();
    // The short socket folder in the temp dir (for a long home path) is ours to remove.
    await rm(paths.headscaleSocket, { force: true });
    if (dirname(paths.helperSocket) !== paths.home) await rmdir(dirname(paths.helperSocket)).catch(() => {});
    logs.append("helper", `helper ${process.pid} stopped`);
    await logs.close();
    await releaseLock();
  });

  const handlers = createHandlers({
    paths,
    settings: () => state.settings(),
    setSettings: (next) => state.setSettings(next),
    serverUrl: () => state.serverUrl(),
    addresses: () => state.addresses(),
    supervisor,
    admin,
    accounts,
    policy: new AclPolicy(admin, new PolicyHistory(paths.policyHistory)),
    logs,
    counts,
    bridge,
    headscaleVersion: () => state.headscaleVersion(),
    build: options.build ?? null,
    entry: options.entry ?? null,
    resolveBinary: (chosen) => state.binaryFor(chosen),
    headscaleEnv: secretEnv,
    shutdown: () => void close().then(options.onShutdown),
  });
  const server = await startRpcServer(paths.helperSocket, handlers, toRpcError, () => collector.touch());
  logs.append("helper", `listening on ${paths.helperSocket}`);

  // A node that has logged in before needs no Headscale to start: it waits for it by itself.
  void bridge.ensure();

  const autoStarted =
    (options.autoStart ?? state.settings().autoStart)
      ? supervisor.start().catch(() => {}) // a failure's reason is in status.lastError
      : Promise.resolve();

  return {
    paths,
    settings: () => state.settings(),
    serverUrl: () => state.serverUrl(),
    supervisor,
    logs,
    bridge,
    autoStarted,
    close,
  };
}

/** This computer's own tailnet node, provisioned through Headscale and kept in step with it. */
function createBridge(parts: {
  paths: HomePaths;
  store: BridgeStore;
  state: HelperState;
  supervisor: HeadscaleSupervisor;
  admin: AdminClient;
  accounts: Accounts;
  logs: LogStore;
}): TailnetBridge {
  const { paths, store, state, supervisor, admin, accounts, logs } = parts;
  const nodeAt = async (ipv4: string) => (await admin.listNodes()).find((n) => n.ipAddresses.includes(ipv4));
  const bestEffort = (what: string, work: () => Promise<void>) =>
    work().catch((error: Error) => void logs.append("helper", `[tailnet] could not ${what}: ${error.message}`));
  return new TailnetBridge({
    stateDir: paths.tailnetState,
    keys: new NodeKeyStore(paths.tailnetKey),
    loadAddon,
    store,
    controlUrl: () => nodeControlUrl(state.addresses()),
    provision: async (account) => {
      if (supervisor.state !== "running") {
        throw new HelperFailure("unavailable", `Headscale is ${supervisor.state}; the node joins once it runs`);
      }
      return accounts.nodeKey(account, NODE_KEY_LIFETIME);
    },
    retire: (key, ipv4) =>
      bestEffort("retire the previous node's key or node", async () => {
        await admin.expirePreAuthKey(key.keyId);
        const old = ipv4 ? await nodeAt(ipv4) : undefined;
        if (old) await admin.deleteNode(old.id);
      }),
    rename: (ipv4, name) =>
      bestEffort("rename the node in Headscale", async () => {
        const node = await nodeAt(ipv4);
        if (node && node.givenName !== name) await admin.renameNode(node.id, name);
      }),
    nameHolder: async (name, ipv4) => {
      if (supervisor.state !== "running") return undefined; // unknown: Headscale renames it later
      const nodes = await admin.listNodes().catch(() => []);
      return nodes.find((node) => node.givenName === name && !(ipv4 && node.ipAddresses.includes(ipv4)))?.id;
    },
    defaultAccount: userInfo().username,
    defaultHostname: tailnetHostname(hostname()),
    log: (text) => logs.append("helper", text),
    verbose: process.env.HEADSCALE_REMOTE_TAILNET_VERBOSE === "1",
  });
}

/** The first call runs `work`; every call answers with its promise. */
function once(work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= work());
}
