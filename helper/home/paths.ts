/**
 * Where everything lives. One home folder per helper; the per-OS application data folder
 * by default, HEADSCALE_REMOTE_HOME to choose another (tests, several instances).
 */
import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { HelperFailure } from "../util/failure.js";

export const APP_NAME = "Headscale Remote";

export function defaultHome(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, userHome: string): string {
  if (env.HEADSCALE_REMOTE_HOME) return env.HEADSCALE_REMOTE_HOME;
  if (platform === "darwin") return join(userHome, "Library", "Application Support", APP_NAME);
  if (platform === "win32") return join(env.APPDATA ?? join(userHome, "AppData", "Roaming"), APP_NAME);
  return join(env.XDG_DATA_HOME || join(userHome, ".local", "share"), "headscale-remote");
}

/** macOS allows 104 bytes for a socket path (Linux 108); leave room for the terminator. */
export const MAX_SOCKET_PATH = 100;

/**
 * A socket path that fits: inside the home when short enough (and free of %), otherwise in a
 * private folder under the temp dir named after the home, so the same home always maps to it.
 */
export function socketPath(home: string, name: string, tmpDir: string): string {
  const inHome = join(home, name);
  // Headscale dials its own socket through a URL (passthrough:///unix://…), where a % is an escape.
  if (Buffer.byteLength(inHome) <= MAX_SOCKET_PATH && !inHome.includes("%")) return inHome;
  const tag = createHash("sha256").update(home).digest("hex").slice(0, 12);
  return join(tmpDir, `hsr-${tag}`, name);
}

export interface HomePaths {
  home: string;
  settings: string;
  /** The bridge's mappings and its node's identity (account, hostname): the bridge's own file. */
  bridge: string;
  headscaleConfig: string;
  /** Hash of the config we last generated: tells a hand edit from our own writing. */
  generatedConfigHash: string;
  /** Present while a settings change is not yet proven by Headscale starting with it. */
  pendingChange: string;
  derpMap: string;
  /** The DNS extra records (JSON) Headscale watches and reloads without a restart. */
  extraRecords: string;
  database: string;
  noiseKey: string;
  derpKey: string;
  /** Headscale's ACME cache (account key, certificates), 0700. */
  acmeCache: string;
  /** The official Headscale binary, when downloaded (`headscale download`). */
  downloadedHeadscale: string;
  /** Where earlier helpers kept an API key of their own (for Headscale's REST API); retired at Headscale's next start. */
  legacyApiKey: string;
  deviceKeys: string;
  /** This computer's tailnet node: its state folder and its own pre-auth key. */
  tailnetState: string;
  tailnetKey: string;
  /** The ACL policies applied through the helper, newest last: what `policy rollback` goes back to. */
  policyHistory: string;
  headscalePid: string;
  helperLock: string;
  logDir: string;
  logFile: string;
  /** A detached helper's stderr: where it says why it could not start. */
  helperStderr: string;
  helperSocket: string;
  headscaleSocket: string;
}

export function homePaths(home: string, tmpDir: string): HomePaths {
  const at = (...parts: string[]) => join(home, ...parts);
  return {
    home,
    settings: at("settings.json"),
    bridge: at("bridge.json"),
    headscaleConfig: at("config.yaml"),
    generatedConfigHash: at("state", "config.sha256"),
    pendingChange: at("state", "config-change.pending"),
    derpMap: at("derp-public.yaml"),
    extraRecords: at("extra-records.json"),
    database: at("headscale.db"),
    noiseKey: at("noise_private.key"),
    derpKey: at("derp_server_private.key"),
    acmeCache: at("acme"),
    downloadedHeadscale: at("bin", "headscale"),
    legacyApiKey: at("secrets", "api-key.json"),
    deviceKeys: at("secrets", "device-keys.json"),
    tailnetState: at("tailnet"),
    tailnetKey: at("secrets", "tailnet-node-key.json"),
    policyHistory: at("policy-history"),
    headscalePid: at("state", "headscale.pid"),
    helperLock: at("state", "helper.pid"),
    logDir: at("logs"),
    logFile: at("logs", "headscale.log"),
    helperStderr: at("logs", "helper-stderr.log"),
    helperSocket: socketPath(home, "helper.sock", tmpDir),
    headscaleSocket: socketPath(home, "headscale.sock", tmpDir),
  };
}

/** The home a command names (`--home`), or the default one; an empty name is a mistake, not the default. */
/** A home the helper cannot use as given: a usage mistake, said before anything is written. */
export class HomePathError extends HelperFailure {
  constructor(message: string) {
    super("bad-input", message);
    this.name = "HomePathError";
  }
}

export function resolveHome(home?: string, env = process.env): string {
  if (home !== undefined && home.trim() === "") {
    throw new HomePathError("--home is empty: give a folder, or leave the option out for the default home");
  }
  // Absolute: Headscale runs in the home and reads the paths of config.yaml from there.
  return resolve(home || defaultHome(process.platform, env, homedir()));
}

/**
 * Why Headscale could not keep its SQLite database in this home, if it could not: it opens the
 * database through a `file:` URL made from the path, unescaped, so a `?` or `#` cuts the path
 * there (two homes then shared one database beside them) and `%41` is read as "A".
 */
export function sqliteHomeProblem(home: string): string | undefined {
  const cut = /[?#]|%[0-9a-f]{2}/i.exec(home);
  return cut
    ? `${home} cannot hold Headscale's SQLite database: "${cut[0]}" in its path would have Headscale open ` +
        "it elsewhere; choose a folder whose path has no ?, # or %-escape (or use PostgreSQL)"
    : undefined;
}
