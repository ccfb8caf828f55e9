/**
 * The helper as a user runs it, inside a namespace of the test topology (HOST): the bundled entry
 * with the helper's Node flags and environment, and none of the loopback suites' TS_* switches.
 * `SSL_CERT_FILE` is how this machine "trusts" the test's certificates: Go (Headscale, and tsnet
 * in the native addon, which reads the environment the process started with) honours it, and the
 * helper's own checks read it too. The CLI runs in the same namespace, so the names it looks up
 * and the URLs it checks are the ones the helper sees (and a helper it might start lands there).
 */
import { join } from "node:path";
import type { ResultPromise } from "execa";
import { HELPER_ENV, HELPER_NODE_FLAGS, helperEntry, projectRoot } from "../helper/project.js";
import { cleanEnv, type Namespace } from "./netns.js";
import { waitUntil } from "./wait.js";

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface NamespaceHelper {
  ns: Namespace;
  home: string;
  pid: number;
  /** What the helper printed so far (stdout and stderr). */
  output(): string;
  /** `headscale-remote --home HOME ...args` inside the namespace; never throws on a non-zero exit. */
  cli(args: string[], timeoutMs?: number): Promise<CliResult>;
  /** The same with `--json`, parsed; throws (with stderr) on a non-zero exit. */
  cliJson<T = unknown>(args: string[], timeoutMs?: number): Promise<T>;
  /** SIGTERM, and wait for it to exit (it stops Headscale and its node first). */
  stop(): Promise<void>;
}

/** Starts the helper in `ns` over `home` and waits until it reports Headscale running. */
export async function startHelperIn(
  ns: Namespace,
  home: string,
  options: { trustFile: string; extraEnv?: Record<string, string> },
): Promise<NamespaceHelper> {
  const env = cleanEnv({ ...HELPER_ENV, SSL_CERT_FILE: options.trustFile, ...options.extraEnv });
  const child: ResultPromise = ns.spawn(process.execPath, [...HELPER_NODE_FLAGS, helperEntry(), "--home", home], {
    env,
    reject: false,
    buffer: false,
    all: true,
    stdin: "ignore",
  });
  let out = "";
  child.all!.setEncoding("utf8");
  child.all!.on("data", (chunk: string) => (out += chunk));
  let exited = false;
  const done = child.then(() => (exited = true));
  await waitUntil(
    () => {
      if (exited) throw new Error(`the helper exited: ${out}`);
      return /Headscale running \(pid \d+\)/.test(out);
    },
    { what: () => `the helper in ${ns.name} to report Headscale running; it said: ${out}`, timeoutMs: 90_000 },
  );
  const cliEntry = join(projectRoot()!, "dist", "helper", "cli", "main.js");
  const cli = async (args: string[], timeoutMs = 180_000): Promise<CliResult> => {
    const result = await ns.run(process.execPath, [cliEntry, "--home", home, ...args], {
      env,
      reject: false,
      timeout: timeoutMs,
    });
    return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
  };
  return {
    ns,
    home,
    pid: child.pid!,
    output: () => out,
    cli,
    async cliJson<T>(args: string[], timeoutMs?: number) {
      const result = await cli(["--json", ...args], timeoutMs);
      if (result.exitCode !== 0) {
        throw new Error(`headscale-remote ${args.join(" ")} exited ${result.exitCode}: ${result.stderr}`);
      }
      return JSON.parse(result.stdout) as T;
    },
    async stop() {
      if (exited) return;
      child.kill("SIGTERM");
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      if (!exited) {
        child.kill("SIGKILL");
        await done;
      }
    },
  };
}
