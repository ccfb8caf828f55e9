/**
 * The one-helper lock, against real helper processes: a socket the helper listens on, not a pid
 * in a file that any process given that pid later would seem to hold.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { lstat, mkdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { lockHolder } from "../../helper/home/lock.js";
import { lockSocketPath } from "../../helper/home/lock-socket.js";
import { homePaths } from "../../helper/home/paths.js";
import { isAlive, waitForExit } from "../../helper/os/process-info.js";
import type { Status } from "../../helper/protocol/types.js";
import { launchHelperProcess, runCli, shutDownHelper, spawnHelperProcess, useHelpers } from "../support/fixtures.js";

const { home: newHome, later } = useHelpers();

/** A helper process ended after the test, whatever became of it. */
function helperProcess(home: string) {
  const helper = launchHelperProcess(home, { start: false });
  later(() => end(helper.child, "SIGTERM"));
  return helper;
}

async function end(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  await waitForExit(child.pid!, 30_000);
}

const inUse = (home: string, pid: number | undefined) => ({
  serving: false,
  exitCode: 1,
  stderr: `headscale-remote helper: another helper (pid ${pid}) is already running for ${home}`,
});

describe("the one-helper lock", () => {
  it("is taken over from a helper that was SIGKILLed, its Headscale still running", async () => {
    const home = await newHome();
    const paths = homePaths(home, tmpdir());
    const first = await spawnHelperProcess(home);
    later(() => end(first.child, "SIGTERM"));
    await end(first.child, "SIGKILL");
    expect(isAlive(first.headscalePid)).toBe(true); // it holds none of the helper's sockets
    // Left behind: the socket (nobody answers on it now) and the record of the dead pid.
    expect((await lstat(lockSocketPath(paths.helperLock))).isSocket()).toBe(true);
    expect(await lockHolder(paths.helperLock)).toBeUndefined();

    const second = helperProcess(home);
    expect(await second.started).toEqual({ serving: true });
    expect(await lockHolder(paths.helperLock)).toBe(second.child.pid);
    expect(await waitForExit(first.headscalePid, 30_000)).toBe(true); // ended by the new helper, as orphans are
  });

  it("keeps a second helper out while one runs, naming its pid", async () => {
    const home = await newHome();
    const first = helperProcess(home);
    expect(await first.started).toEqual({ serving: true });
    expect(await helperProcess(home).started).toEqual(inUse(home, first.child.pid));
    expect(await lockHolder(homePaths(home, tmpdir()).helperLock)).toBe(first.child.pid);
  });

  it("is not held by an unrelated node process whose pid is in the lock file", async () => {
    const home = await newHome();
    const paths = homePaths(home, tmpdir());
    // The case a pid file gets wrong: the pid recorded is alive, and its command line says node.
    const other = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    later(() => end(other, "SIGKILL"));
    await mkdir(dirname(paths.helperLock), { recursive: true, mode: 0o700 });
    await writeFile(paths.helperLock, String(other.pid));
    later(() => shutDownHelper(home));

    const status = await runCli(home, ["--json", "status"]);
    expect([status.exitCode, status.stderr]).toEqual([0, ""]);
    const { helper } = JSON.parse(status.stdout) as Status;
    expect(helper.pid).not.toBe(other.pid);
    expect(isAlive(other.pid!)).toBe(true);
    expect(await lockHolder(paths.helperLock)).toBe(helper.pid);
  });

  it("lets exactly one of two helpers started at once win, a fresh lock or a stale one", async () => {
    const home = await newHome();
    for (let round = 0; round < 4; round++) {
      const pair = [helperProcess(home), helperProcess(home)];
      const outcomes = await Promise.all(pair.map((helper) => helper.started));
      const winners = pair.filter((_, i) => outcomes[i]!.serving);
      expect(winners, `round ${round}: ${JSON.stringify(outcomes)}`).toHaveLength(1);
      expect(outcomes.find((outcome) => !outcome.serving)).toEqual(inUse(home, winners[0]!.child.pid));
      // The next round's two both find the lock this one leaves stale.
      await end(winners[0]!.child, "SIGKILL");
    }
  });

  it("keeps out a helper while one of an earlier version (a pid file, no lock socket) answers on the socket", async () => {
    const home = await newHome();
    const paths = homePaths(home, tmpdir());
    await mkdir(dirname(paths.helperLock), { recursive: true, mode: 0o700 });
    const earlier = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => earlier.listen(paths.helperSocket, resolve));
    later(async () => {
      earlier.close();
      await rm(paths.helperSocket, { force: true });
    });
    await writeFile(paths.helperLock, String(process.pid));
    expect(await helperProcess(home).started).toEqual(inUse(home, process.pid));
  });
});
