/** Start, stop, restart, crash and orphan handling against the real Headscale. */
import { chmod, copyFile, readFile, rm, writeFile } from "node:fs/promises";
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { homePaths } from "../../helper/home/paths.js";
import { isAlive, waitForExit } from "../../helper/os/process-info.js";
import { secretEnv } from "../../helper/headscale/child-env.js";
import { loadSettings } from "../../helper/config/settings-store.js";
import { ensurePrivateDir } from "../../helper/home/secure-fs.js";
import { headscaleBinary, runCli, spawnHelperProcess, useHelpers } from "../support/fixtures.js";
import { waitUntil } from "../../testkit/wait.js";
import { tmpdir } from "node:os";

const { helperFor, later, home: newHome, supervisorFor } = useHelpers();

describe("Headscale lifecycle through the helper", () => {
  it("starts to ready, reports it, and stops within the grace period", async () => {
    const t = await helperFor({ start: false });
    const before = await t.client.call("status");
    expect(before.headscale.state).toBe("stopped");

    const started = await t.client.call("headscale.start", undefined, { timeoutMs: 90_000 });
    expect(started.headscale.state).toBe("running");
    expect(started.headscale.version).toMatch(/^v0\.29\./);
    const health = await fetch(new URL("/health", started.headscale.serverUrl));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "pass" });
    const pid = started.headscale.pid!;
    expect(isAlive(pid)).toBe(true);
    expect(JSON.parse(await readFile(t.helper.paths.headscalePid, "utf8")).pid).toBe(pid);

    const stopped = await t.client.call("headscale.stop");
    expect(stopped.headscale.state).toBe("stopped");
    expect(isAlive(pid)).toBe(false); // stop resolves only after the exit
    await expect(readFile(t.helper.paths.headscalePid)).rejects.toThrow(/ENOENT/);
  });

  it("restart gives a new process on the same URL", async () => {
    const t = await helperFor();
    const first = await t.client.call("status");
    const restarted = await t.client.call("headscale.restart", undefined, { timeoutMs: 90_000 });
    expect(restarted.headscale.state).toBe("running");
    expect(restarted.headscale.pid).not.toBe(first.headscale.pid);
    expect(restarted.headscale.serverUrl).toBe(first.headscale.serverUrl);
    expect(isAlive(first.headscale.pid!)).toBe(false);
  });

  it("ignores HEADSCALE_* variables in the helper's environment", async () => {
    process.env.HEADSCALE_LISTEN_ADDR = "127.0.0.1:1";
    process.env.HEADSCALE_DATABASE_TYPE = "nonsense";
    try {
      const t = await helperFor();
      const status = await t.client.call("status");
      expect(status.headscale.state).toBe("running");
      const environ = await readFile(`/proc/${status.headscale.pid}/environ`, "utf8");
      expect(environ).not.toMatch(/HEADSCALE_LISTEN_ADDR|HEADSCALE_DATABASE_TYPE/);
    } finally {
      delete process.env.HEADSCALE_LISTEN_ADDR;
      delete process.env.HEADSCALE_DATABASE_TYPE;
    }
  });

  it("restarts Headscale after it is killed from outside", async () => {
    const t = await helperFor();
    const { headscale } = await t.client.call("status");
    process.kill(headscale.pid!, "SIGKILL");
    const status = await waitUntil(
      async () => {
        const now = await t.client.call("status");
        return now.headscale.state === "running" && now.headscale.pid !== headscale.pid && now;
      },
      { what: "a new Headscale running after the kill", timeoutMs: 90_000, intervalMs: 100 },
    );
    expect(status.headscale.state).toBe("running");
    expect(status.headscale.pid).not.toBe(headscale.pid);
    expect(status.headscale.restarts).toBe(1);
  });

  it("a second helper for the same home says who holds it and exits non-zero", async () => {
    const t = await helperFor({ start: false });
    const second = await runCli(t.home, ["helper"]);
    expect(second.exitCode).not.toBe(0);
    expect(second.stderr.trim()).toBe(
      `headscale-remote: another helper (pid ${process.pid}) is already running for ${t.home}`,
    );
  });
});

describe("crash loop", () => {
  it("gives up after 5 crashes within the window and says so", async () => {
    const { supervisor } = await supervisorFor({ backoffBaseMs: 50 });
    await supervisor.start();
    const pids = new Set<number>();
    for (let crash = 1; crash <= 5; crash++) {
      await waitUntil(() => supervisor.state === "running", {
        what: `Headscale running before crash ${crash}`,
        timeoutMs: 90_000,
        intervalMs: 20,
      });
      const pid = supervisor.pid!;
      pids.add(pid);
      process.kill(pid, "SIGKILL");
      await waitForExit(pid, 5000);
      await waitUntil(() => supervisor.pid !== pid, {
        what: `the supervisor to see crash ${crash}`,
        timeoutMs: 90_000,
        intervalMs: 20,
      });
    }
    // Not a wait for a condition: time for a restart that must not come. A sixth start would
    // follow the fifth crash after 50 ms × 2⁴ = 800 ms.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(pids.size).toBe(5);
    expect(supervisor.state).toBe("crashed");
    expect(supervisor.pid).toBeNull();
    expect(supervisor.lastError).toMatch(/5 times within 60 s; not restarting/);
    expect(supervisor.restarts).toBe(4);
  });
});

describe("restarts that cannot succeed", () => {
  it("end in `crashed` with the reason they failed, not just that they did", async () => {
    const home = await newHome();
    // A copy of the binary that goes away while Headscale runs, as after an uninstall.
    const binary = `${home}/headscale-copy`;
    await copyFile(await headscaleBinary(), binary);
    await chmod(binary, 0o755);
    const { supervisor } = await supervisorFor({ binary: async () => binary, backoffBaseMs: 20 }, home);
    await supervisor.start();
    await rm(binary);
    process.kill(supervisor.pid!, "SIGKILL");
    await waitUntil(() => /not restarting it again/.test(supervisor.lastError ?? ""), {
      what: () => `the supervisor to give up restarting; last error: ${supervisor.lastError}`,
      timeoutMs: 90_000,
      intervalMs: 20,
    });
    expect(supervisor.state).toBe("crashed");
    expect(supervisor.lastError).toMatch(
      /failed to restart \(.*headscale-copy.*\) \d+ times within 60 s; not restarting it again/,
    );
  });
});

describe("the log lines shown with an error", () => {
  it("are the failing run's own, never an earlier failure's", async () => {
    const home = await newHome();
    const { supervisor } = await supervisorFor({}, home);
    const config = homePaths(home, tmpdir()).headscaleConfig;
    const good = await readFile(config, "utf8");
    await writeFile(config, good.replace(/^prefixes:/m, "prefixes_broken:")); // Headscale says why, and exits
    await expect(supervisor.start()).rejects.toThrow();
    expect(supervisor.lastErrorLog.join("\n")).toMatch(/prefix/i);
    await writeFile(config, good);
    const port = /listen_addr: \S+:(\d+)/.exec(good)![1];
    const { createServer } = await import("node:net");
    const blocker = createServer().listen(Number(port), "127.0.0.1"); // this time the port is taken
    await new Promise((resolve) => blocker.once("listening", resolve));
    later(async () => void blocker.close());
    await expect(supervisor.start()).rejects.toThrow();
    const shown = supervisor.lastErrorLog.join("\n");
    expect(shown).not.toMatch(/prefix/i);
    expect(shown).toMatch(/address already in use|bind/i);
  });
});

describe("a hung Headscale", () => {
  it("is ended and restarted once it stops answering /health", async () => {
    const { supervisor, log } = await supervisorFor({
      livenessIntervalMs: 200,
      livenessTimeoutMs: 200,
      livenessMisses: 3,
      stopGraceMs: 500,
      backoffBaseMs: 50,
    });
    await supervisor.start();
    const hung = supervisor.pid!;
    process.kill(hung, "SIGSTOP"); // alive, holding its ports, answering nothing
    later(async () => void (isAlive(hung) && process.kill(hung, "SIGKILL")));
    expect(await waitForExit(hung, 30_000)).toBe(true); // SIGTERM waits on a stopped process: the grace period's SIGKILL ends it
    await waitUntil(() => supervisor.state === "running" && supervisor.pid !== hung, {
      what: "a new Headscale running in place of the hung one",
      timeoutMs: 90_000,
      intervalMs: 20,
    });
    expect(supervisor.state).toBe("running");
    expect(supervisor.pid).not.toBe(hung);
    expect(supervisor.restarts).toBe(1);
    expect(log).toContain("Headscale did not answer /health 3 times in a row; ending it");
    expect(log.some((line) => /Headscale stopped answering \/health; restarting in/.test(line))).toBe(true);
  });
});

describe("orphans", () => {
  it("a helper killed with SIGKILL leaves no Headscale behind once the next helper has started", async () => {
    const home = await newHome();
    const { child, headscalePid: orphan } = await spawnHelperProcess(home);
    child.kill("SIGKILL");
    await waitForExit(child.pid!, 5000);
    // The orphan may end by itself at its next log line (SIGPIPE on the dead helper's pipe),
    // or live on until the next helper ends it; either way it must be gone after that start.
    const t = await helperFor({ home });
    expect(isAlive(orphan)).toBe(false);
    const status = await t.client.call("status");
    expect(status.headscale.state).toBe("running");
    expect(status.headscale.pid).not.toBe(orphan);
  });

  it("ends a Headscale that a previous helper left running", async () => {
    const home = await newHome();
    const first = await helperFor({ home, start: false });
    await first.close();
    const paths = first.helper.paths;
    // An orphan that nothing will end by accident: its output goes nowhere.
    const env = { ...process.env, ...(await secretEnv(await loadSettings(paths))) };
    const orphan = spawn(await headscaleBinary(), ["serve", "-c", paths.headscaleConfig], {
      env,
      stdio: "ignore",
      detached: true,
    });
    orphan.unref();
    later(async () => void (isAlive(orphan.pid!) && process.kill(orphan.pid!, "SIGKILL")));
    await writeFile(
      paths.headscalePid,
      JSON.stringify({ pid: orphan.pid, binary: await headscaleBinary(), config: paths.headscaleConfig }),
    );
    const settings = JSON.parse(await readFile(paths.settings, "utf8"));
    await waitUntil(
      () =>
        fetch(`http://${settings.listenAddr}/health`).then(
          (r) => r.ok,
          () => false,
        ),
      { what: "the orphan Headscale to answer /health", timeoutMs: 90_000 },
    );
    expect(isAlive(orphan.pid!)).toBe(true);

    const t = await helperFor({ home });
    expect(isAlive(orphan.pid!)).toBe(false);
    const logs = await t.client.call("logs.tail", { lines: 1000 });
    expect(logs.map((l) => l.text)).toContain(`ended Headscale pid ${orphan.pid}, left running by a previous helper`);
    expect((await t.client.call("status")).headscale.state).toBe("running");
  });

  it("never kills a process whose PID was recycled by another program", async () => {
    const home = await newHome();
    const stranger = execa("sleep", ["60"], { reject: false });
    later(async () => void stranger.kill("SIGKILL"));
    const paths = homePaths(home, tmpdir());
    await ensurePrivateDir(`${home}/state`);
    await writeFile(
      paths.headscalePid,
      JSON.stringify({ pid: stranger.pid, binary: "/x/headscale", config: paths.headscaleConfig }),
    );
    const t = await helperFor({ home, start: false });
    expect(t.helper.supervisor.state).toBe("stopped");
    expect(isAlive(stranger.pid!)).toBe(true);
  });

  // SIGHUP is the terminal running `npm start` closing.
  it.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)("%s to the helper stops Headscale first", async (signal) => {
    const home = await newHome();
    const { child, headscalePid: headscale } = await spawnHelperProcess(home);
    child.kill(signal);
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
    expect(isAlive(headscale)).toBe(false);
    expect(await readFile(`${home}/logs/headscale.log`, "utf8")).toMatch(
      /"text":"Headscale stopped".*\n.*"text":"helper \d+ stopped"/,
    );
  });
});

describe("start failures", () => {
  it("returns the reason and Headscale's last lines when it will not start", async () => {
    const home = await newHome();
    const t0 = await helperFor({ home, start: false });
    await t0.close();
    // A hand edit that Headscale rejects: the helper must start it as is, and report why it failed.
    const paths = homePaths(home, tmpdir());
    const config = await readFile(paths.headscaleConfig, "utf8");
    await writeFile(paths.headscaleConfig, config.replace(/v4: .*/, "v4: not-a-prefix"));
    const t = await helperFor({ home, start: false });
    const error = await t.client.call("headscale.start", undefined, { timeoutMs: 90_000 }).catch((e) => e);
    expect(error.message).toMatch(/exited \(code 1\) before it was ready/);
    expect(error.data.logTail.join("\n")).toMatch(/not-a-prefix/);
    const status = await t.client.call("status");
    expect(status.headscale.state).toBe("crashed");
    expect(status.headscale.lastError).toMatch(/before it was ready/);
    // The hand-edited file is left exactly as the user wrote it.
    expect(await readFile(paths.headscaleConfig, "utf8")).toContain("v4: not-a-prefix");
  });
});
