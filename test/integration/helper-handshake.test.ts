/**
 * The helper-version handshake with two real builds: the same source bundled twice into two
 * installs that differ only in their version and a stamp comment, so their entry files (and
 * builds) differ. The old install's CLI starts its helper; the new install's CLI meets it.
 */
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { execa } from "execa";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildOf } from "../../helper/client/build.js";
import { HelperClient } from "../../helper/client/helper-client.js";
import { ensureHelper, helperSocketPath } from "../../helper/client/launch.js";
import { lockHolder } from "../../helper/home/lock.js";
import { homePaths } from "../../helper/home/paths.js";
import { isAlive, waitForExit } from "../../helper/os/process-info.js";
import { projectRoot } from "../../helper/project.js";
import type { Status } from "../../helper/protocol/types.js";
import { createFakeNodes, headscaleBinary, useHelpers } from "../support/fixtures.js";
import { keysInMessage, leaks } from "../support/secret-watch.js";
import { waitUntil } from "../../testkit/wait.js";

const { home: newHome, later, helperFor } = useHelpers();

interface Install {
  root: string;
  cli: string;
  entry: string;
  build: string;
}

/** An installed package of its own: package.json, the bundled helper in assets/, a bundled CLI. */
async function install(parent: string, stamp: string): Promise<Install> {
  const root = join(parent, stamp);
  await mkdir(join(root, "assets"), { recursive: true });
  await writeFile(join(root, "package.json"), JSON.stringify({ name: "headscale-remote", version: `0.1.0-${stamp}` }));
  // The checkout's Headscale, as the project-built copy an install would find.
  await symlink(join(projectRoot()!, ".tools"), join(root, ".tools"));
  const repo = projectRoot()!;
  const common = {
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
    banner: {
      js: `// test build ${stamp}\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);`,
    },
  } as const;
  const entry = join(root, "assets", "helper.mjs");
  const cli = join(root, "cli.mjs");
  await build({ ...common, entryPoints: [join(repo, "helper/daemon/main.ts")], outfile: entry });
  await build({ ...common, entryPoints: [join(repo, "helper/cli/main.ts")], outfile: cli });
  return { root, cli, entry, build: await buildOf(entry) };
}

let builds: string;
let oldBuild: Install;
let newBuild: Install;

/** Where both builds are installed in turn: an update replaces the files at the same path. */
let live: string;

/** Installs a build at `live`, over what was there (a running helper keeps the code it loaded). */
async function put(from: Install): Promise<void> {
  await mkdir(join(live, "assets"), { recursive: true });
  await copyFile(join(from.root, "assets", "helper.mjs"), join(live, "assets", "helper.mjs"));
  await copyFile(join(from.root, "cli.mjs"), join(live, "cli.mjs"));
  await copyFile(join(from.root, "package.json"), join(live, "package.json"));
  await symlink(join(projectRoot()!, ".tools"), join(live, ".tools")).catch(() => {});
}

beforeAll(async () => {
  builds = await mkdtemp(join(tmpdir(), "hr-builds-"));
  live = join(builds, "live");
  const [oldStaged, newStaged] = await Promise.all([install(builds, "old"), install(builds, "new")]);
  // Both run from `live`: a client replaces only a helper of its own install.
  const atLive = (staged: Install): Install => ({
    ...staged,
    cli: join(live, "cli.mjs"),
    entry: join(live, "assets", "helper.mjs"),
  });
  [oldBuild, newBuild] = [atLive(oldStaged), atLive(newStaged)];
  // put() copies from the staged root, so keep it there.
  oldBuild.root = oldStaged.root;
  newBuild.root = newStaged.root;
});
beforeEach(() => put(oldBuild));
afterAll(() => rm(builds, { recursive: true, force: true }));

/** Runs an install's CLI against a home; never throws on a non-zero exit; its stderr must hold no key. */
async function cli(from: Install, home: string, args: string[]) {
  const result = await execa(process.execPath, [from.cli, "--home", home, ...args], {
    reject: false,
    timeout: 120_000,
  });
  leaks.push(...keysInMessage(`stderr of \`${args.join(" ")}\``, result.stderr));
  return result;
}

async function json<T = unknown>(from: Install, home: string, args: string[]): Promise<T> {
  const result = await cli(from, home, [...args, "--json"]);
  expect(result.stderr, args.join(" ")).toBe("");
  expect(result.exitCode, args.join(" ")).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** A home whose detached helper (whichever build) is shut down after the test. */
async function homeWithCleanup(): Promise<string> {
  const home = await newHome();
  later(async () => {
    const client = await HelperClient.connect(helperSocketPath(home)).catch(() => undefined);
    if (!client) return;
    const { pid } = (await client.call("status")).helper;
    await client.call("helper.shutdown").finally(() => client.close());
    if (!(await waitForExit(pid, 90_000))) process.kill(pid, "SIGKILL");
  });
  return home;
}

/** A Headscale whose `version` answers only after a pause, once: holds a config change in flight. */
async function slowToCheck(home: string): Promise<{ path: string; checking: string }> {
  const path = join(home, "slow-headscale");
  const checking = `${path}.checking`;
  const real = await headscaleBinary();
  await writeFile(
    path,
    `#!/bin/sh\nif [ "$1" = version ] && [ ! -e '${checking}' ]; then : > '${checking}'; sleep 4; fi\nexec '${real}' "$@"\n`,
  );
  await chmod(path, 0o700);
  return { path, checking };
}

/**
 * An old-build helper in the middle of a settings change (headscalePath, to a binary slow to
 * check), and then the new build installed: the change's CLI call settles when the change does.
 */
async function updateDuringChange(home: string) {
  const old = await json<Status>(oldBuild, home, ["start"]);
  const slow = await slowToCheck(home);
  const change = cli(oldBuild, home, ["config", "set", `headscalePath=${slow.path}`]);
  const underWay = () =>
    readFile(slow.checking).then(
      () => true,
      () => false,
    );
  await waitUntil(underWay, { what: "the settings change to be under way" });
  await put(newBuild);
  return { old, slow, change };
}

describe("helper-version handshake", () => {
  it("two installs of the same source are two builds", () => {
    expect(oldBuild.build).toMatch(/^[0-9a-f]{12}$/);
    expect(newBuild.build).not.toBe(oldBuild.build);
  });

  it("a CLI of another build replaces the running helper, keeping nodes, keys and settings; the same build restarts nothing", async () => {
    const home = await homeWithCleanup();
    const paths = homePaths(home, tmpdir());
    const old = await json<Status>(oldBuild, home, ["start"]);
    expect(old.helper).toMatchObject({ version: "0.1.0-old", build: oldBuild.build });
    expect(old.headscale.state).toBe("running");

    await createFakeNodes(
      paths.headscaleSocket,
      (await json<{ name: string }>(oldBuild, home, ["users", "create", "ada"])).name,
      3,
    );
    await json(oldBuild, home, ["keys", "mint", "--device-id", "phone-1"]);
    await json(oldBuild, home, ["config", "set", "logLines=4321"]);
    const nodesBefore = await json<{ id: string; givenName: string }[]>(oldBuild, home, ["nodes"]);
    const keysBefore = await json<{ id: string }[]>(oldBuild, home, ["keys", "list"]);
    expect(nodesBefore).toHaveLength(3);

    // The update lands; the new build's first command is answered by a helper of its own build.
    await put(newBuild);
    const nodesAfter = await cli(newBuild, home, ["nodes", "--json"]);
    expect(nodesAfter.stderr).toBe("");
    expect(nodesAfter.exitCode).toBe(0);
    expect(isAlive(old.helper.pid)).toBe(false);
    expect(isAlive(old.headscale.pid!)).toBe(false);
    const now = await json<Status>(newBuild, home, ["status"]);
    expect(now.helper).toMatchObject({
      version: "0.1.0-new",
      build: newBuild.build,
      home: old.helper.home,
      socket: old.helper.socket,
    });
    expect(now.helper.pid).not.toBe(old.helper.pid);
    expect(Number(await readFile(paths.helperLock, "utf8"))).toBe(now.helper.pid);
    expect(await lockHolder(paths.helperLock)).toBe(now.helper.pid);
    expect(now.headscale.state).toBe("running");
    expect(now.headscale.serverUrl).toBe(old.headscale.serverUrl);

    const byId = (list: { id: string }[]) => list.map((item) => item.id).sort();
    expect(byId(JSON.parse(nodesAfter.stdout))).toEqual(byId(nodesBefore));
    expect(byId(await json(newBuild, home, ["keys", "list"]))).toEqual(byId(keysBefore));
    expect((await json<{ settings: { logLines: number } }>(newBuild, home, ["config", "get"])).settings.logLines).toBe(
      4321,
    );

    // Clean: the old helper said why it stopped and stopped its Headscale itself (no orphan to end).
    const log = await readFile(paths.logFile, "utf8");
    expect(log).toContain(`stopping to let build ${newBuild.build} take over from ${oldBuild.build}`);
    expect(log).toContain(`helper ${old.helper.pid} stopped`);
    expect(log).not.toMatch(/left running by a previous helper/);

    // The same build again: the same helper and the same Headscale answer.
    const again = await json<Status>(newBuild, home, ["status"]);
    expect(again.helper.pid).toBe(now.helper.pid);
    expect(again.headscale.pid).toBe(now.headscale.pid);
  });

  it("waits for a settings change in flight, then takes over", async () => {
    const home = await homeWithCleanup();
    const { old, slow, change } = await updateDuringChange(home);
    const started = Date.now();
    const status = await cli(newBuild, home, ["status", "--json"]);
    expect(status.exitCode).toBe(0);
    expect(status.stderr.trim().split("\n")).toEqual([
      `headscale-remote: the running helper (0.1.0-old, build ${oldBuild.build}) is busy with a settings change: waiting to replace it with build ${newBuild.build}`,
    ]);
    expect(Date.now() - started).toBeGreaterThan(1000);
    // The change was answered in full by the old helper before it stopped, and the new one has it.
    const changed = await change;
    expect(changed.stderr).toBe("");
    expect(changed.exitCode).toBe(0);
    expect(isAlive(old.helper.pid)).toBe(false);
    expect(JSON.parse(status.stdout).helper.build).toBe(newBuild.build);
    expect(
      (await json<{ settings: { headscalePath: string } }>(newBuild, home, ["config", "get"])).settings,
    ).toMatchObject({
      headscalePath: slow.path,
    });
  });

  it("keeps a helper that stays busy past the wait for this call, says why in one line, and replaces it later", async () => {
    const home = await homeWithCleanup();
    const { old, change } = await updateDuringChange(home);
    const notices: [string, string][] = [];
    const kept = await ensureHelper({
      home,
      entryPath: newBuild.entry,
      busyWaitMs: 500,
      onNotice: (line, kind) => notices.push([kind, line]),
    });
    try {
      expect((await kept.call("status")).helper.pid).toBe(old.helper.pid);
    } finally {
      kept.close();
    }
    expect(notices).toEqual([
      ["waiting", expect.stringMatching(/busy with a settings change: waiting/)],
      [
        "kept",
        `using the running helper (0.1.0-old, build ${oldBuild.build}) for now, not build ${newBuild.build}: it stayed busy with a settings change`,
      ],
    ]);

    expect((await change).exitCode).toBe(0);
    const replaced = await ensureHelper({ home, entryPath: newBuild.entry });
    try {
      const status = await replaced.call("status");
      expect(status.helper.build).toBe(newBuild.build);
      expect(isAlive(old.helper.pid)).toBe(false);
    } finally {
      replaced.close();
    }
  });

  it("leaves another install's helper alone, and puts Headscale back as the replaced helper had it", async () => {
    // Another install (a checkout's CLI beside Raycast's copy, say): its helper is not replaced.
    const other = { ...oldBuild, cli: join(oldBuild.root, "cli.mjs") };
    const home = await homeWithCleanup();
    const theirs = await json<Status>(other, home, ["status"]);
    await put(newBuild);
    const mine = await json<Status>(newBuild, home, ["status"]);
    expect(mine.helper.pid).toBe(theirs.helper.pid);
    expect(mine.helper.build).toBe(oldBuild.build);

    // An update under a helper whose Headscale was stopped: the new one leaves it stopped.
    const stopped = await homeWithCleanup();
    await put(oldBuild);
    await json(oldBuild, stopped, ["start"]);
    await json(oldBuild, stopped, ["stop"]);
    await put(newBuild);
    const after = await json<Status>(newBuild, stopped, ["status"]);
    expect(after.helper.build).toBe(newBuild.build);
    expect(after.headscale.state).toBe("stopped");
  });

  it("does not stop while the bridge has connections open (counts from a stand-in bridge: a real one needs the e2e namespace)", async () => {
    const t = await helperFor({ start: false });
    let active = 2;
    Object.defineProperty(t.helper.bridge, "hasNode", { get: () => true });
    t.helper.bridge.status = async () => ({
      ...t.helper.bridge.tailnetStatus(),
      mappings: [
        {
          tailnetPort: 80,
          localPort: 8096,
          active,
          total: 5,
          refused: 0,
          bytesIn: 0,
          bytesOut: 0,
          lastError: null,
          lastClient: null,
        },
      ],
    });
    expect(await t.client.call("helper.shutdownIfIdle", { forBuild: "abc" })).toEqual({
      stopping: false,
      busy: "2 bridge connections open",
    });
    active = 0;
    let stopped = false;
    t.client.onClose(() => (stopped = true));
    expect(await t.client.call("helper.shutdownIfIdle", { forBuild: "abc" })).toEqual({ stopping: true, busy: null });
    await waitUntil(() => stopped, { what: "the helper to close its socket" });
  });
});
