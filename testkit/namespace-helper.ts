/**
 * The helper as a user runs it, inside a namespace of the test topology (HOST): the bundled entry
 * with the helper's Node flags and environment, and none of the loopback suites' TS_* switches.
 * `SSL_CERT_FILE` is how this machine "trusts" the test's certificates: Go (Headscale, and tsnet
 * in the native addon, which reads the environment the process started with) honours it, and the
 * helper's own checks read it too. The CLI runs in the same namespace, so the names it looks up
 * and the URLs it checks are the ones the helper sees (and a helper it might start lands there).
 */
import { join } from "node:path";
import { HELPER_ENV, HELPER_NODE_FLAGS, helperEntry, projectRoot } from "../helper/project.js";
import { startInNamespace } from "./namespace-service.js";
import { cleanEnv, type Namespace } from "./netns.js";

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
  const helper = startInNamespace(ns, "the helper", {
    file: process.execPath,
    args: [...HELPER_NODE_FLAGS, helperEntry(), "--home", home],
    env,
  });
  await helper.until(() => /Headscale running \(pid \d+\)/.test(helper.output()), {
    what: () => `the helper in ${ns.name} to report Headscale running; it said: ${helper.output()}`,
    timeoutMs: 90_000,
  });
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
    pid: helper.child.pid!,
    output: helper.output,
    cli,
    async cliJson<T>(args: string[], timeoutMs?: number) {
      const result = await cli(["--json", ...args], timeoutMs);
      if (result.exitCode !== 0) {
        throw new Error(`headscale-remote ${args.join(" ")} exited ${result.exitCode}: ${result.stderr}`);
      }
      return JSON.parse(result.stdout) as T;
    },
    stop: () => helper.stop(),
  };
}
