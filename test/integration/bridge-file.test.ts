/**
 * bridge.json through the real CLI and the helper it launches: the first start of this helper on a
 * home an older one left (mappings in settings.json), a damaged bridge.json, and `bridge identity`.
 * Headscale stays stopped (autoStart off): none of this needs it.
 */
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { loadSettings } from "../../helper/config/settings-store.js";
import { homePaths } from "../../helper/home/paths.js";
import { removeHome, runCli, shutDownHelper, tempHome } from "../support/fixtures.js";

const MAPPINGS = [
  { tailnetPort: 9096, localPort: 8096 },
  { tailnetPort: 2222, localPort: 22 },
];

const homes: string[] = [];
afterEach(async () => {
  for (const home of homes.splice(0)) {
    await shutDownHelper(home);
    await removeHome(home);
  }
});

/** A home as an older helper left it: its settings.json holding the bridge, Headscale not to start. */
async function olderHome(bridge: unknown): Promise<{ home: string; paths: ReturnType<typeof homePaths> }> {
  const home = await tempHome();
  homes.push(home);
  const paths = homePaths(home, tmpdir());
  const settings = { ...(await loadSettings(paths)), autoStart: false, bridge };
  await writeFile(paths.settings, JSON.stringify(settings, null, 2) + "\n", { mode: 0o600 });
  return { home, paths };
}

const json = async (home: string, args: string[]) => {
  const result = await runCli(home, ["--json", ...args]);
  if (result.exitCode !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
};

describe("bridge.json", () => {
  it("an older helper's mappings and identity in settings.json move to bridge.json at the first start", async () => {
    const { home, paths } = await olderHome({ mappings: MAPPINGS, account: "family", hostname: "media" });
    const status = await json(home, ["bridge", "status"]);
    expect(status.mappings).toMatchObject(MAPPINGS);
    expect(status).toMatchObject({ hostname: "media", account: "family" });
    const settings = JSON.parse(await readFile(paths.settings, "utf8"));
    expect(settings).not.toHaveProperty("bridge");
    expect(settings.autoStart).toBe(false); // every other setting kept
    expect(JSON.parse(await readFile(paths.bridge, "utf8"))).toEqual({
      mappings: MAPPINGS,
      account: "family",
      hostname: "media",
    });
    expect((await stat(paths.bridge)).mode & 0o777).toBe(0o600);
    expect((await json(home, ["config", "get"])).settings).not.toHaveProperty("bridge");
    expect((await runCli(home, ["logs", "-n", "200"])).stdout).toMatch(
      /moved the bridge's mappings from \S+settings\.json/,
    );
    // Changes go to bridge.json from now on; settings.json stays without them.
    await json(home, ["bridge", "down", "--tailnet-port", "2222"]);
    expect(JSON.parse(await readFile(paths.bridge, "utf8")).mappings).toEqual([MAPPINGS[0]]);
    expect(JSON.parse(await readFile(paths.settings, "utf8"))).not.toHaveProperty("bridge");
  });

  it("a settings.json whose bridge no helper could use keeps the helper from starting, and is left as it is", async () => {
    const { home, paths } = await olderHome({ mappings: [{ tailnetPort: 70000, localPort: 8096 }] });
    const before = await readFile(paths.settings, "utf8");
    const result = await runCli(home, ["bridge", "status"]);
    expect(result.exitCode).toBe(4); // no helper could start: nothing to talk to
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(
      /the helper could not start: \S+settings\.json is invalid: bridge\.mappings\.0\.tailnetPort: /,
    );
    expect(await readFile(paths.settings, "utf8")).toBe(before);
    await expect(stat(paths.bridge)).rejects.toThrow(/ENOENT/);
  });

  it("damaged: bridge commands say so in one line, the rest works, the file is untouched until it is repaired", async () => {
    const { home, paths } = await olderHome({ mappings: MAPPINGS });
    await writeFile(paths.bridge, "{ not json", { mode: 0o600 });
    for (const args of [
      ["bridge", "status"],
      ["bridge", "up", "--local-port", "8096"],
      ["bridge", "identity", "--hostname", "media"],
      ["bridge", "down"],
    ]) {
      const result = await runCli(home, args);
      expect(result.exitCode, args.join(" ")).toBe(1); // failed: a file of the helper's state
      expect(result.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(result.stderr).toMatch(
        /\S+bridge\.json is damaged \(not valid JSON: .*\); the bridge is off until you repair it/,
      );
    }
    expect(await readFile(paths.bridge, "utf8")).toBe("{ not json");
    // settings.json's copy is kept aside, and out of settings.json: moving the damaged file away
    // must start with no mappings, as its error says.
    expect(JSON.parse(await readFile(paths.settings, "utf8"))).not.toHaveProperty("bridge");
    expect(JSON.parse(await readFile(`${paths.bridge}.from-settings`, "utf8"))).toEqual({ mappings: MAPPINGS });
    const status = await json(home, ["status"]);
    expect(status.tailnet.lastError).toMatch(/bridge\.json is damaged/);
    // Repaired: used again without a restart, and status no longer gives it as the reason.
    await writeFile(paths.bridge, JSON.stringify({ mappings: MAPPINGS }));
    expect(String((await json(home, ["status"])).tailnet.lastError)).not.toMatch(/damaged/);
    expect((await json(home, ["bridge", "status"])).mappings).toMatchObject(MAPPINGS);
  });

  it("a folder in bridge.json's place turns off only the bridge, with or without mappings to move", async () => {
    for (const bridge of [MAPPINGS, undefined]) {
      const { home, paths } = await olderHome(bridge && { mappings: bridge });
      await mkdir(paths.bridge);
      expect((await runCli(home, ["status"])).exitCode).toBe(0);
      const result = await runCli(home, ["bridge", "status"]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/\S+bridge\.json cannot be read \(a folder is in its place\); the bridge is off/);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      await shutDownHelper(home);
    }
  });

  it("bridge identity saves the node's name as a DNS label; the next bridge up joins with it", async () => {
    const { home, paths } = await olderHome({ mappings: [] });
    const none = await runCli(home, ["bridge", "identity"]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/give --account, --hostname or both/);
    const saved = await runCli(home, ["bridge", "identity", "--hostname", "My Media Box"]);
    expect(saved.exitCode, saved.stderr).toBe(0);
    expect(saved.stdout).toMatch(/^Saved: this computer's node joins with it at the next `headscale-remote bridge up`/);
    expect(JSON.parse(await readFile(paths.bridge, "utf8"))).toEqual({ mappings: [], hostname: "my-media-box" });
    const up = await json(home, ["bridge", "up", "--local-port", "18124"]);
    expect(up).toMatchObject({ state: "waiting", hostname: "my-media-box" }); // Headscale is stopped
    const other = await json(home, ["bridge", "identity", "--hostname", "den"]);
    expect(other).toMatchObject({ hostname: "den", mappings: [{ tailnetPort: 18124, localPort: 18124 }] });
    expect(other.lastError).toMatch(/Headscale is stopped/);
    // With no mapping left, why it could not run is no longer said.
    expect(await json(home, ["bridge", "down"])).toMatchObject({ state: "off", lastError: null, mappings: [] });
  });
});
