/**
 * settings.json (ours) and config.yaml (Headscale's, generated from it). First run picks
 * free loopback ports. A config.yaml whose text is not what we last generated was edited
 * by hand: we start Headscale with it as it is and never write over it. Beside it, the DNS
 * extra records file that config.yaml names (Headscale reloads it by itself when it changes).
 */
import { createHash } from "node:crypto";
import { copyFile, rm } from "node:fs/promises";
import { CLEARABLE_SETTINGS, Settings, SettingsPatch } from "../protocol/settings.js";
import { describeIssues } from "../util/issues.js";
import { HelperFailure, type FailureOptions } from "../util/failure.js";
import type { HomePaths } from "../home/paths.js";
import { freeTcpPort, freeUdpPort } from "../os/ports.js";
import { makeDir, readIfExists, writeFileAtomic } from "../home/secure-fs.js";
import { addressesFromConfig, addressesFromSettings, type HeadscaleAddresses } from "./addresses.js";
import { dnsRules, mergeDns, renderExtraRecords, withDnsDefaults } from "./dns-settings.js";
import { type DnsSettings } from "../protocol/dns.js";
import { renderHeadscaleConfig } from "./generate.js";
import {
  fieldsForReach,
  serverUrlOf,
  tlsProblem,
  urlFollowingPort,
  type ReachContext,
  type ReachFields,
} from "./reach.js";
import { Reach, TlsSettings } from "../protocol/reach.js";
import { z } from "zod";
import { renderPublicDerpMap } from "./public-derp.js";

/** Settings the helper cannot take (invalid, or refused by Headscale): the caller must change them. */
export class ConfigError extends HelperFailure {
  constructor(message: string, options?: FailureOptions) {
    super("bad-input", message, options);
    this.name = "ConfigError";
  }
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export async function defaultSettings(): Promise<Settings> {
  const [listen, grpc, stun] = await Promise.all([freeTcpPort(), freeTcpPort(), freeUdpPort()]);
  return Settings.parse({
    listenAddr: `127.0.0.1:${listen}`,
    grpcListenAddr: `127.0.0.1:${grpc}`,
    stunListenAddr: `127.0.0.1:${stun}`,
  });
}

export async function saveSettings(paths: HomePaths, settings: Settings): Promise<void> {
  await copyFile(paths.settings, paths.settings + ".prev").catch(() => {});
  await writeFileAtomic(paths.settings, JSON.stringify(settings, null, 2) + "\n");
}

export async function loadSettings(paths: HomePaths): Promise<Settings> {
  const text = await readIfExists(paths.settings);
  if (text === undefined) {
    const settings = await defaultSettings();
    await writeFileAtomic(paths.settings, JSON.stringify(settings, null, 2) + "\n");
    return settings;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${paths.settings} is not valid JSON (${(error as Error).message}); fix it or move it away`);
  }
  const parsed = Settings.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${paths.settings} is invalid: ${describeIssues(parsed.error)}`);
  const problem = crossFieldProblem(parsed.data);
  if (problem) throw new ConfigError(`${paths.settings} is invalid: ${problem}`);
  return parsed.data;
}

/** What no single field's schema can see: the DNS rules that span fields and the server's host. */
function crossFieldProblem(settings: Settings): string | undefined {
  const tls = tlsProblem(settings);
  if (tls) return tls;
  const checked = dnsRules(new URL(serverUrlOf(settings)).hostname).safeParse(withDnsDefaults(settings.dns));
  if (checked.success) return undefined;
  return checked.error.issues.map((issue) => `dns.${issue.path.join(".")}: ${issue.message}`).join("; ");
}

/**
 * The settings a patch makes. `context` is what `reach` needs of this computer: its LAN
 * addresses (where `reach=lan` puts the URL) and a free port (for a listener leaving 443).
 */
export function mergeSettings(
  current: Settings,
  patch: unknown,
  context: ReachContext = { lanAddresses: [], sparePort: 8080 },
): Settings {
  const cleared = new Set<string>();
  const rest: Record<string, unknown> = { ...(patch as Record<string, unknown>) };
  if ("reach" in rest) Object.assign(rest, reachPatch(current, rest, context));
  else if (typeof rest.listenAddr === "string" && !("serverUrl" in rest)) {
    const followed = urlFollowingPort(current.serverUrl, current.listenAddr, rest.listenAddr);
    if (followed) rest.serverUrl = followed;
  }
  for (const key of CLEARABLE_SETTINGS) {
    if (key in rest && (rest[key] === "" || rest[key] === null)) {
      cleared.add(key);
      delete rest[key];
    }
  }
  // A dns patch names only the fields it changes: the others keep their current values.
  if (isPlainObject(rest.dns)) rest.dns = mergeDns(current.dns, rest.dns as DnsSettings);
  const parsedPatch = SettingsPatch.safeParse(rest);
  if (!parsedPatch.success) throw new ConfigError(`invalid settings: ${describeIssues(parsedPatch.error)}`);
  const base: Record<string, unknown> = { ...current };
  for (const key of cleared) delete base[key];
  const merged = Settings.safeParse({ ...base, ...parsedPatch.data });
  if (!merged.success) throw new ConfigError(`invalid settings: ${describeIssues(merged.error)}`);
  const problem = crossFieldProblem(merged.data);
  if (problem) throw new ConfigError(`invalid settings: ${problem}`);
  return merged.data;
}

/** A patch naming `reach` as the fields it sets; what the patch names itself wins. */
function reachPatch(current: Settings, patch: Record<string, unknown>, context: ReachContext): Record<string, unknown> {
  const request = ReachPatch.safeParse(patch);
  if (!request.success) throw new ConfigError(`invalid settings: ${describeIssues(request.error)}`);
  const { reach, listenAddr, serverUrl, stunListenAddr, tls } = request.data;
  delete patch.reach;
  let fields: ReachFields;
  try {
    fields = fieldsForReach(
      current,
      { reach, listenAddr, stunListenAddr, tls, serverUrl: serverUrl || undefined },
      context,
    );
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return { ...fields, serverUrl: fields.serverUrl ?? null };
}

/** The fields a reach patch may name beside it; the rest of the patch is checked as usual. */
const ReachPatch = z.looseObject({
  reach: Reach,
  listenAddr: Settings.shape.listenAddr.optional(),
  serverUrl: z.union([Settings.shape.serverUrl, z.literal(""), z.null()]).optional(),
  stunListenAddr: Settings.shape.stunListenAddr.optional(),
  tls: TlsSettings.optional(),
});

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** config.yaml's text when it was edited by hand (it is not what we last generated), else undefined. */
async function handEditedConfig(paths: HomePaths): Promise<string | undefined> {
  const config = await readIfExists(paths.headscaleConfig);
  if (config === undefined) return undefined;
  return (await readIfExists(paths.generatedConfigHash))?.trim() === sha256(config) ? undefined : config;
}

export async function editedByHand(paths: HomePaths): Promise<boolean> {
  return (await handEditedConfig(paths)) !== undefined;
}

/** Writes config.yaml (and the DERP map it may name) from the settings, unless edited by hand. */
export async function writeHeadscaleConfig(
  paths: HomePaths,
  settings: Settings,
  target = paths.headscaleConfig,
): Promise<string> {
  const text = renderHeadscaleConfig(settings, paths);
  if (settings.derp === "public") await writeFileAtomic(paths.derpMap, renderPublicDerpMap());
  await writeFileAtomic(target, text);
  return text;
}

/**
 * Writes the extra records file when its text is not the settings' already (Headscale reacts to
 * every write). Headscale refuses to start when the file config.yaml names is missing, so an
 * empty list is written too.
 */
export async function writeExtraRecords(paths: HomePaths, settings: Settings): Promise<void> {
  const text = renderExtraRecords(withDnsDefaults(settings.dns).extraRecords);
  if ((await readIfExists(paths.extraRecords)) !== text) await writeFileAtomic(paths.extraRecords, text);
}

/**
 * Before each start: the extra records file, and config.yaml when it is missing, or ours but
 * generated by an older helper (so an upgrade brings in what the generated config now holds).
 */
export async function ensureHeadscaleConfig(paths: HomePaths, settings: Settings): Promise<void> {
  await writeExtraRecords(paths, settings);
  await ensureAcmeCache(paths, settings);
  const existing = await readIfExists(paths.headscaleConfig);
  if (existing !== undefined) {
    if (await editedByHand(paths)) return;
    if (existing === renderHeadscaleConfig(settings, paths)) return;
  }
  const text = await writeHeadscaleConfig(paths, settings);
  await writeFileAtomic(paths.generatedConfigHash, sha256(text) + "\n");
}

/** Headscale's ACME cache holds the account key and certificates: made 0700 before Headscale would make it. */
async function ensureAcmeCache(paths: HomePaths, settings: Settings): Promise<void> {
  if (settings.tls.mode === "acme") await makeDir(paths.acmeCache);
}

export interface StagedChange {
  /** Puts back the settings and config that were there before. */
  rollback(): Promise<void>;
  /** The change holds (Headscale started with it, or needs not): it is no longer undone at start. */
  settle(): Promise<void>;
}

const changeFiles = (paths: HomePaths) => [
  paths.settings,
  paths.headscaleConfig,
  paths.generatedConfigHash,
  paths.extraRecords,
];

async function restorePrevious(paths: HomePaths): Promise<void> {
  for (const file of changeFiles(paths)) {
    const previous = await readIfExists(file + ".prev");
    if (previous !== undefined) await writeFileAtomic(file, previous);
  }
  await rm(paths.pendingChange, { force: true });
}

/**
 * At start: a change the last helper committed but never saw Headscale start with (it was
 * killed meanwhile) is undone, so Headscale comes back on settings it has run with. True if so.
 */
export async function recoverUnfinishedChange(paths: HomePaths): Promise<boolean> {
  if ((await readIfExists(paths.pendingChange)) === undefined) return false;
  await restorePrevious(paths);
  return true;
}

/**
 * Swaps in new settings and their config, keeping the previous files as *.prev. The
 * caller has already checked the candidate; it restarts Headscale and rolls back on failure.
 */
export async function commitSettings(paths: HomePaths, settings: Settings, candidate: string): Promise<StagedChange> {
  for (const file of changeFiles(paths)) await copyFile(file, file + ".prev").catch(() => {});
  const change: StagedChange = {
    rollback: () => restorePrevious(paths),
    settle: () => rm(paths.pendingChange, { force: true }),
  };
  try {
    // Before the first file changes: a helper killed from here on is undone by the next one.
    await writeFileAtomic(paths.pendingChange, `${new Date().toISOString()}\n`);
    const text = (await readIfExists(candidate)) ?? "";
    await writeExtraRecords(paths, settings);
    await ensureAcmeCache(paths, settings);
    await writeFileAtomic(paths.headscaleConfig, text);
    await writeFileAtomic(paths.generatedConfigHash, sha256(text) + "\n");
    await writeFileAtomic(paths.settings, JSON.stringify(settings, null, 2) + "\n");
  } catch (error) {
    // Half a change is worse than none: put back what was there (best effort on a full disk).
    await change.rollback().catch(() => {});
    throw error;
  } finally {
    await rm(candidate, { force: true });
  }
  return change;
}

/** The addresses Headscale runs with: from config.yaml when it was edited by hand, else the settings'. */
export async function loadAddresses(paths: HomePaths, settings: Settings): Promise<HeadscaleAddresses> {
  const fromSettings = addressesFromSettings(settings);
  const edited = await handEditedConfig(paths);
  return edited === undefined ? fromSettings : addressesFromConfig(edited, fromSettings, paths.home);
}
