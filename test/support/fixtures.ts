/** Shared set-up for suites that run the real helper and the real Headscale. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { execa } from "execa";
import { afterEach } from "vitest";
import { HelperClient } from "../../helper/client/helper-client.js";
import { helperSocketPath } from "../../helper/client/launch.js";
import { isAlive } from "../../helper/os/process-info.js";
import { startDaemon, type Daemon } from "../../helper/daemon/daemon.js";
import { findHeadscale } from "../../helper/headscale/binary.js";
import { HELPER_ENV, HELPER_NODE_FLAGS, helperEntry, projectRoot } from "../../helper/project.js";
import { defaultSettings, ensureHeadscaleConfig, loadSettings } from "../../helper/config/settings-store.js";
import { secretEnv } from "../../helper/headscale/child-env.js";
import { HeadscaleSupervisor, type SupervisorOptions } from "../../helper/headscale/supervisor.js";
import { homePaths } from "../../helper/home/paths.js";
import { ensurePrivateDir } from "../../helper/home/secure-fs.js";
import { createDatabase, type TestPostgres } from "./postgres.js";
import { keysInLogs, keysInMessage, leaks } from "./secret-watch.js";
import { waitUntil } from "../../testkit/wait.js";

/**
 * A fresh home. In the PostgreSQL pass (HSR_TEST_DATABASE=postgres) it comes with settings
 * that point Headscale at its own new database on the test server.
 */
export async function tempHome(): Promise<string> {
  // Short names: socket paths must fit in 104 bytes.
  const home = await mkdtemp(join(tmpdir(), "hr-"));
  if (process.env.HSR_TEST_PG) {
    const server = JSON.parse(process.env.HSR_TEST_PG) as TestPostgres;
    const name = `hr_${basename(home)
      .slice(3)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "_")}`;
    await createDatabase(server, name);
    const settings = await defaultSettings();
    settings.database = {
      type: "postgres",
      host: server.host,
      port: server.port,
      name,
      user: server.user,
      passwordFile: server.passwordFile,
      sslMode: "disable",
    };
    await writeFile(join(home, "settings.json"), JSON.stringify(settings), { mode: 0o600 });
  }
  return home;
}

/** Removes a home, after checking its logs for keys (a finding fails the test, see secret-watch). */
/**
 * Asks the detached helper of a home (started by the CLI or a Raycast command) to go, and waits
 * until it and its Headscale are gone, so nothing writes into the home any more. None running: done.
 */
export async function shutDownHelper(home: string): Promise<void> {
  const client = await HelperClient.connect(helperSocketPath(home)).catch(() => undefined);
  const status = await client?.call("status").catch(() => undefined);
  await client?.call("helper.shutdown").catch(() => {});
  client?.close();
  const pids = [status?.helper.pid, status?.headscale.pid].filter((pid) => typeof pid === "number");
  await waitUntil(() => pids.every((pid) => !isAlive(pid)), {
    what: `the helper of ${home} and its Headscale to exit`,
    timeoutMs: 90_000,
  });
}

export async function removeHome(home: string): Promise<void> {
  leaks.push(...(await keysInLogs(home)));
  await rm(home, { recursive: true, force: true });
}

export interface TestHelper {
  home: string;
  helper: Daemon;
  client: HelperClient;
  close(): Promise<void>;
}

/** A real helper in this process, with Headscale started (unless told not to) and a connected client. */
export async function startTestHelper(options: { home?: string; start?: boolean } = {}): Promise<TestHelper> {
  const home = options.home ?? (await tempHome());
  const helper = await startDaemon({ home, autoStart: options.start ?? true });
  await helper.autoStarted;
  const client = await HelperClient.connect(helper.paths.helperSocket);
  return {
    home,
    helper,
    client,
    async close() {
      client.close();
      await helper.close();
    },
  };
}

/** After a suite of tailnet clients: the clients stopped, then its helper closed and its home removed. */
export async function endTailnetSuite(t: TestHelper | undefined, clients: { stop(): Promise<void> }[]): Promise<void> {
  for (const client of clients) await client.stop();
  await t?.close();
  if (t) await removeHome(t.home);
}

export const headscaleBinary = () => findHeadscale(undefined);

export async function cliPath(): Promise<string> {
  return join(projectRoot()!, "dist", "helper", "cli", "main.js");
}

/** Runs the built CLI against a home, never throwing on a non-zero exit. Its stderr must hold no key. */
export async function runCli(home: string, args: string[], env?: Record<string, string>) {
  const result = await execa(process.execPath, [await cliPath(), "--home", home, ...args], {
    env,
    reject: false,
    timeout: 120_000,
  });
  leaks.push(...keysInMessage(`stderr of \`${args.join(" ")}\``, result.stderr));
  return result;
}

export { createFakeNodes } from "../../testkit/fake-nodes.js";

/**
 * Per-test clean-up for suites that start helpers: `helperFor` starts one that is closed
 * (and its home removed) after the test, and `later` registers anything else to undo.
 */
export function useHelpers() {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  });
  const later = (cleanup: () => Promise<void>) => void cleanups.push(cleanup);
  return {
    later,
    async helperFor(options?: { start?: boolean; home?: string }): Promise<TestHelper> {
      const t = await startTestHelper(options);
      later(() => removeHome(t.home));
      later(() => t.close());
      return t;
    },
    async home(): Promise<string> {
      const home = await tempHome();
      later(() => removeHome(home));
      return home;
    },
    /** A Headscale supervisor of its own (no helper) over a home, fresh unless given, with test-sized timings. */
    async supervisorFor(options: Partial<SupervisorOptions>, home?: string) {
      if (!home) {
        home = await tempHome();
        later(() => removeHome(home!));
      }
      const paths = homePaths(home, tmpdir());
      await ensurePrivateDir(home);
      const settings = await loadSettings(paths);
      await ensureHeadscaleConfig(paths, settings);
      const binary = await findHeadscale(undefined);
      const log: string[] = [];
      const supervisor = new HeadscaleSupervisor({
        binary: async () => binary,
        configPath: paths.headscaleConfig,
        pidFile: paths.headscalePid,
        health: () => ({ url: `http://${settings.listenAddr}/health` }),
        onLog: (_stream, text) => log.push(text),
        extraEnv: () => secretEnv(settings),
        ...options,
      });
      later(() => supervisor.stop());
      return { supervisor, log };
    },
  };
}

/**
 * A helper process as every launcher starts one (the bundled entry, with the helper's flags and
 * environment; `--no-start` unless `start`). `started` settles once it serves its socket, or
 * with its exit code and stderr if it exits first.
 */
export function launchHelperProcess(home: string, options: { start?: boolean } = {}) {
  const child = spawn(
    process.execPath,
    [...HELPER_NODE_FLAGS, helperEntry(), "--home", home, ...(options.start === false ? ["--no-start"] : [])],
    { env: { ...process.env, ...HELPER_ENV }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk) => (out += chunk));
  child.stderr!.on("data", (chunk) => (err += chunk));
  const started = new Promise<{ serving: true } | { serving: false; exitCode: number | null; stderr: string }>(
    (resolve) => {
      child.stdout!.on("data", () => /^socket {2}/m.test(out) && resolve({ serving: true }));
      child.once("exit", (exitCode) => resolve({ serving: false, exitCode, stderr: err.trim() }));
    },
  );
  return { child, started, output: () => out };
}

/** A helper process (see launchHelperProcess), once it reports Headscale running. */
export async function spawnHelperProcess(home: string): Promise<{ child: ChildProcess; headscalePid: number }> {
  const { child, output } = launchHelperProcess(home);
  const running = /Headscale running \(pid (\d+)\)/;
  const reported = await waitUntil(
    () => {
      if (child.exitCode !== null) throw new Error(`helper exited: ${output()}`);
      return running.exec(output());
    },
    { what: () => `the helper to report Headscale running; it said: ${output()}`, timeoutMs: 90_000 },
  );
  return { child, headscalePid: Number(reported[1]) };
}
