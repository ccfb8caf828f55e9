/**
 * bridge.json, the bridge's own file, and the move of an older helper's `bridge` out of
 * settings.json: the pure plan for every case, and the files as a first start leaves them.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { homePaths } from "../../helper/home/paths.js";
import { BridgeStore, DamagedBridgeFileError } from "../../helper/tailnet/bridge-store.js";
import { asidePath, moveBridgeOutOfSettings, planBridgeMove } from "../../helper/tailnet/bridge-upgrade.js";
import { ConfigError } from "../../helper/config/settings-store.js";

const BRIDGE = { mappings: [{ tailnetPort: 9096, localPort: 8096 }], account: "family", hostname: "media" };
const SETTINGS = { listenAddr: "127.0.0.1:18080", autoStart: false, bridge: BRIDGE, logLevel: "info" };
const text = (json: unknown) => JSON.stringify(json, null, 2) + "\n";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});
async function home() {
  dir = await mkdtemp(join(tmpdir(), "hr-bridge-"));
  return homePaths(dir, tmpdir());
}

describe("moving bridge out of settings.json (the plan)", () => {
  it("moves it to a new bridge.json and keeps every other setting, in its order", () => {
    const plan = planBridgeMove(text(SETTINGS), undefined);
    expect(plan).toEqual({
      action: "move",
      bridge: text(BRIDGE),
      settings: text({ listenAddr: "127.0.0.1:18080", autoStart: false, logLevel: "info" }),
    });
  });

  it("moves an older helper's default too: an empty list, no identity", () => {
    expect(planBridgeMove(text({ ...SETTINGS, bridge: { mappings: [] } }), undefined)).toMatchObject({
      action: "move",
      bridge: text({ mappings: [] }),
    });
  });

  it("does nothing without a bridge key, or with a settings.json loadSettings refuses in its own words", () => {
    const { bridge, ...without } = SETTINGS;
    expect(bridge).toBeDefined();
    for (const settings of [text(without), "{ not json", "[1, 2]", "null", undefined]) {
      expect(planBridgeMove(settings, undefined), String(settings)).toEqual({ action: "none" });
    }
  });

  it("refuses, naming the field, a bridge no helper could have used: nothing is touched", () => {
    const bad = { ...SETTINGS, bridge: { mappings: [{ tailnetPort: 0, localPort: 8096 }] } };
    const plan = planBridgeMove(text(bad), undefined);
    expect(plan).toMatchObject({
      action: "refuse",
      problem: expect.stringMatching(/^bridge\.mappings\.0\.tailnetPort: /),
    });
  });

  it("with bridge.json there already, drops settings.json's copy, kept aside only when it differs", () => {
    const settingsAfter = text({ listenAddr: "127.0.0.1:18080", autoStart: false, logLevel: "info" });
    expect(planBridgeMove(text(SETTINGS), text(BRIDGE))).toEqual({ action: "drop", settings: settingsAfter });
    const other = { mappings: [{ tailnetPort: 1, localPort: 2 }] };
    expect(planBridgeMove(text(SETTINGS), text(other))).toEqual({
      action: "drop",
      settings: settingsAfter,
      aside: text(BRIDGE),
    });
  });

  it("while bridge.json cannot be read, moves settings.json's copy aside, not into it", () => {
    const settings = text({ listenAddr: "127.0.0.1:18080", autoStart: false, logLevel: "info" });
    for (const damaged of ["{ broken", text({ mappings: "all" })]) {
      expect(planBridgeMove(text(SETTINGS), damaged)).toEqual({ action: "wait", settings, aside: text(BRIDGE) });
    }
  });

  it("keeps nothing aside from an older helper's default (no mappings, no identity) run since", () => {
    const other = { mappings: [{ tailnetPort: 1, localPort: 2 }] };
    const plan = planBridgeMove(text({ ...SETTINGS, bridge: { mappings: [] } }), text(other));
    expect(plan).toEqual({ action: "drop", settings: expect.any(String) });
  });
});

describe("moving bridge out of settings.json (the files)", () => {
  it("writes bridge.json 0600, then settings.json and settings.json.prev without bridge", async () => {
    const paths = await home();
    await writeFile(paths.settings, text(SETTINGS));
    await writeFile(paths.settings + ".prev", text({ ...SETTINGS, bridge: { mappings: [] } }));
    expect(await moveBridgeOutOfSettings(paths)).toMatch(
      /moved the bridge's mappings from .*settings\.json to .*bridge\.json/,
    );
    expect(JSON.parse(await readFile(paths.bridge, "utf8"))).toEqual(BRIDGE);
    expect((await stat(paths.bridge)).mode & 0o777).toBe(0o600);
    for (const file of [paths.settings, paths.settings + ".prev"]) {
      const settings = JSON.parse(await readFile(file, "utf8"));
      expect(settings).not.toHaveProperty("bridge");
      expect(settings).toMatchObject({ listenAddr: "127.0.0.1:18080", autoStart: false });
    }
    // A second start finds nothing to move.
    expect(await moveBridgeOutOfSettings(paths)).toBeUndefined();
    expect(JSON.parse(await readFile(paths.bridge, "utf8"))).toEqual(BRIDGE);
  });

  it("keeps a differing copy aside when bridge.json exists, and says where", async () => {
    const paths = await home();
    const kept = { mappings: [{ tailnetPort: 1, localPort: 2 }] };
    await writeFile(paths.settings, text(SETTINGS));
    await writeFile(paths.bridge, text(kept));
    expect(await moveBridgeOutOfSettings(paths)).toMatch(/bridge\.json is kept, the others are in .*from-settings/);
    expect(JSON.parse(await readFile(paths.bridge, "utf8"))).toEqual(kept);
    expect(JSON.parse(await readFile(asidePath(paths), "utf8"))).toEqual(BRIDGE);
    expect(JSON.parse(await readFile(paths.settings, "utf8"))).not.toHaveProperty("bridge");
  });

  it("leaves both files byte for byte when settings.json's bridge is invalid, and says why in one line", async () => {
    const paths = await home();
    const bad = text({ ...SETTINGS, bridge: { mappings: [{ tailnetPort: 9096, localPort: "x" }] } });
    await writeFile(paths.settings, bad);
    const error = await moveBridgeOutOfSettings(paths).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/settings\.json is invalid: bridge\.mappings\.0\.localPort: /);
    expect((error as Error).message).not.toContain("\n");
    expect(await readFile(paths.settings, "utf8")).toBe(bad);
    await expect(stat(paths.bridge)).rejects.toThrow(/ENOENT/);
  });

  it("leaves a damaged bridge.json byte for byte, and moves settings.json's copy aside", async () => {
    const paths = await home();
    await writeFile(paths.settings, text(SETTINGS));
    await writeFile(paths.bridge, "{ broken");
    expect(await moveBridgeOutOfSettings(paths)).toMatch(/bridge\.json cannot be read, .* moved to .*from-settings/);
    expect(JSON.parse(await readFile(paths.settings, "utf8"))).not.toHaveProperty("bridge");
    expect(await readFile(paths.bridge, "utf8")).toBe("{ broken");
    expect(JSON.parse(await readFile(asidePath(paths), "utf8"))).toEqual(BRIDGE);
    // Moved away as its error says: the next start begins with no mappings, not the older ones.
    await rm(paths.bridge);
    expect(await moveBridgeOutOfSettings(paths)).toBeUndefined();
    await expect(stat(paths.bridge)).rejects.toThrow(/ENOENT/);
  });
});

describe("bridge.json", () => {
  it("names the file once when it cannot be read", () => {
    const cause = Object.assign(new Error("EACCES: permission denied, open '/h/bridge.json'"), {
      code: "EACCES",
      path: "/h/bridge.json",
    });
    expect(new DamagedBridgeFileError("/h/bridge.json", "cannot be read", cause).message).toBe(
      "/h/bridge.json cannot be read (permission denied); " +
        "the bridge is off until you repair it or move it away to start with no mappings",
    );
  });

  it("starts empty, saves 0600 and reads back what it saved", async () => {
    const paths = await home();
    const store = await BridgeStore.open(paths.bridge);
    expect(store.current()).toEqual({ mappings: [] });
    await store.save(BRIDGE);
    expect((await stat(paths.bridge)).mode & 0o777).toBe(0o600);
    expect((await BridgeStore.open(paths.bridge)).current()).toEqual(BRIDGE);
  });

  it("damaged: says so in one line naming the file, refuses changes, and is left as it is until repaired", async () => {
    const paths = await home();
    await writeFile(paths.bridge, '{"mappings": [{"tailnetPort": 9096}]}');
    const store = await BridgeStore.open(paths.bridge);
    expect(store.damage).toBeInstanceOf(DamagedBridgeFileError);
    expect(store.damage!.message).toMatch(
      /bridge\.json is damaged \(mappings\.0\.localPort is missing\); the bridge is off/,
    );
    expect(store.current().mappings).toEqual([]);
    await expect(store.save(BRIDGE)).rejects.toBe(store.damage);
    expect(await readFile(paths.bridge, "utf8")).toBe('{"mappings": [{"tailnetPort": 9096}]}');
    expect(await store.rereadIfDamaged()).toBe(false);
    await writeFile(paths.bridge, text(BRIDGE));
    expect(await store.rereadIfDamaged()).toBe(true);
    expect(store.damage).toBeUndefined();
    expect(store.current()).toEqual(BRIDGE);
  });

  it("a tailnet port mapped twice is damage, not a coin toss between two local ports", async () => {
    const paths = await home();
    const twice = {
      mappings: [
        { tailnetPort: 80, localPort: 18001 },
        { tailnetPort: 80, localPort: 18002 },
      ],
    };
    await writeFile(paths.bridge, JSON.stringify(twice));
    expect((await BridgeStore.open(paths.bridge)).damage?.message).toMatch(
      /bridge\.json is damaged \(mappings: a tailnet port is mapped twice; keep one mapping per tailnet port\)/,
    );
  });

  it("unreadable (a folder in its place): says it cannot be read", async () => {
    const paths = await home();
    await mkdir(paths.bridge);
    expect((await BridgeStore.open(paths.bridge)).damage?.message).toMatch(
      /bridge\.json cannot be read \(a folder is in its place\)/,
    );
  });
});
