/**
 * Helpers before bridge.json kept the bridge's mappings and identity in settings.json, under
 * `bridge`. The first start of a newer helper moves them to bridge.json, losing nothing: a file it
 * cannot read is left as it is, for the error that names it.
 */
import { z } from "zod";
import { ConfigError } from "../config/settings-store.js";
import type { HomePaths } from "../home/paths.js";
import { readIfExists, writeFileAtomic } from "../home/secure-fs.js";
import { describeIssues } from "../util/issues.js";
import { BridgeConfig, parseBridgeFile, renderBridgeFile } from "./bridge-store.js";

/** What the move does with the two files' texts. */
export type BridgeMove =
  /** No `bridge` in settings.json, or a settings.json loadSettings will refuse in its own words. */
  | { action: "none" }
  /** settings.json's `bridge` is not one the bridge could use: both files stay as they are. */
  | { action: "refuse"; problem: string }
  /** To bridge.json, then settings.json without it (in this order: a crash between loses nothing). */
  | { action: "move"; bridge: string; settings: string }
  /**
   * bridge.json exists already: settings.json's copy goes, and when it differs (an older helper ran
   * here since), `aside` holds it for the person to look at.
   */
  | { action: "drop"; settings: string; aside?: string }
  /**
   * bridge.json exists but cannot be read: it stays as it is for the person to repair or move
   * away, settings.json's copy goes to `aside` and leaves settings.json, so that moving the
   * damaged file away starts with no mappings, as its error says, not with the older ones.
   */
  | { action: "wait"; settings: string; aside: string };

const WithBridge = z.looseObject({ bridge: BridgeConfig });

/** The settings file's object, when it is one holding `bridge`. */
function settingsWithBridge(text: string): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === "object" && json !== null && !Array.isArray(json) && "bridge" in json
      ? (json as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The settings as saveSettings writes them, without `bridge`. */
const renderSettings = (settings: Record<string, unknown>) =>
  JSON.stringify(Object.fromEntries(Object.entries(settings).filter(([key]) => key !== "bridge")), null, 2) + "\n";

/** Pure: what moving `bridge` out of settings.json does, given both files' texts (undefined: none). */
export function planBridgeMove(settingsText: string | undefined, bridgeText: string | undefined): BridgeMove {
  const settings = settingsText === undefined ? undefined : settingsWithBridge(settingsText);
  if (!settings) return { action: "none" };
  const checked = WithBridge.safeParse(settings);
  if (!checked.success) return { action: "refuse", problem: describeIssues(checked.error) };
  const moved = renderBridgeFile(checked.data.bridge);
  const without = renderSettings(settings);
  if (bridgeText === undefined) return { action: "move", bridge: moved, settings: without };
  const existing = parseBridgeFile(bridgeText);
  if (typeof existing === "string") return { action: "wait", settings: without, aside: moved };
  // An older helper run here since writes its default, no mappings and no identity: nothing to keep.
  const { mappings, account, hostname } = checked.data.bridge;
  const empty = mappings.length === 0 && account === undefined && hostname === undefined;
  return empty || moved === renderBridgeFile(existing)
    ? { action: "drop", settings: without }
    : { action: "drop", settings: without, aside: moved };
}

/** Where a differing copy from settings.json is kept when bridge.json already holds the bridge's. */
export const asidePath = (paths: HomePaths) => `${paths.bridge}.from-settings`;

/**
 * Moves `bridge` out of settings.json into bridge.json; call it before anything reads either, and
 * before a cut-short change is undone (settings.json.prev loses its `bridge` too: the bridge's part
 * never rolled back with a settings change). Returns a line for the log when it did something.
 */
export async function moveBridgeOutOfSettings(paths: HomePaths): Promise<string | undefined> {
  const settingsText = await readIfExists(paths.settings);
  // Nothing to move: bridge.json is the bridge store's to read, and to report if it cannot.
  if (settingsText === undefined || !settingsWithBridge(settingsText)) return undefined;
  // One that cannot be read (a folder, a loop, no permission) is as damaged as one that does not parse.
  const bridgeText = await readIfExists(paths.bridge).catch(() => "");
  const plan = planBridgeMove(settingsText, bridgeText);
  if (plan.action === "refuse") throw new ConfigError(`${paths.settings} is invalid: ${plan.problem}`);
  if (plan.action === "none") return undefined;
  // The copy first, settings.json after: a crash between loses nothing.
  if (plan.action !== "move" && plan.aside) await writeFileAtomic(asidePath(paths), plan.aside);
  if (plan.action === "move") await writeFileAtomic(paths.bridge, plan.bridge);
  await writeFileAtomic(paths.settings, plan.settings);
  await stripPrevious(paths);
  if (plan.action === "move") return `moved the bridge's mappings from ${paths.settings} to ${paths.bridge}`;
  if (plan.action === "wait") {
    return `${paths.bridge} cannot be read, so ${paths.settings}'s bridge mappings were moved to ${asidePath(paths)}`;
  }
  return plan.aside
    ? `${paths.settings} held bridge mappings other than ${paths.bridge}'s; ${paths.bridge} is kept, ` +
        `the others are in ${asidePath(paths)}`
    : undefined;
}

/** settings.json.prev, which a cut-short change brings back, without a `bridge` of its own. */
async function stripPrevious(paths: HomePaths): Promise<void> {
  const previous = settingsWithBridge((await readIfExists(paths.settings + ".prev")) ?? "");
  if (previous) await writeFileAtomic(paths.settings + ".prev", renderSettings(previous));
}
