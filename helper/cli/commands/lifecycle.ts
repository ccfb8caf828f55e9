/** The helper and Headscale's lifecycle: helper, start, restart, stop, shutdown, status. */
import type { Command } from "commander";
import { LIFECYCLE_TIMEOUT_MS } from "../../client/helper-client.js";
import { runHelper } from "../../daemon/run-helper.js";
import { resolveHome } from "../../home/paths.js";
import { waitForExit } from "../../os/process-info.js";
import type { Status } from "../../protocol/types.js";
import type { CliContext } from "../context.js";
import { formatReachability, formatStatus } from "../format.js";

/**
 * `stop`'s answer when no helper runs: the same keys as a helper's status, so a script reads one
 * shape; what only a running helper knows is null.
 */
const NO_HELPER_STATUS: { [K in keyof Status]-?: { [F in keyof Status[K]]-?: unknown } | null } = {
  helper: null,
  headscale: {
    state: "stopped",
    pid: null,
    startedAt: null,
    uptimeSeconds: null,
    serverUrl: null,
    version: null,
    binary: null,
    autoStart: null,
    restarts: 0,
    lastError: null,
    lastErrorLog: [],
    nodes: null,
  },
  tailnet: null,
};

export function register(program: Command, ctx: CliContext): void {
  const { print, call } = ctx;

  program
    .command("helper")
    .description("run the helper in the foreground (Ctrl-C stops Headscale and the helper)")
    .option("--no-start", "do not start Headscale now, whatever the autoStart setting says")
    .action((options: { start: boolean }) =>
      runHelper({ home: resolveHome(ctx.globals().home), start: options.start }),
    );

  for (const [name, method, verb] of [
    ["start", "headscale.start", "start Headscale and wait until it is ready"],
    ["restart", "headscale.restart", "stop, then start Headscale"],
  ] as const) {
    program
      .command(name)
      .description(verb)
      .action(async () => print(await call(method, undefined, LIFECYCLE_TIMEOUT_MS), formatStatus));
  }

  program
    .command("stop")
    .description("stop Headscale (SIGTERM, then SIGKILL after 5 s); the helper keeps answering")
    .action(async () => {
      // Without a helper nothing runs, and starting one just to stop it could auto-start Headscale.
      const client = await ctx.connectIfRunning();
      if (!client) return print(NO_HELPER_STATUS, () => "Headscale is stopped (no helper is running).");
      try {
        print(await client.call("headscale.stop", undefined, { timeoutMs: LIFECYCLE_TIMEOUT_MS }), formatStatus);
      } finally {
        client.close();
      }
    });

  program
    .command("shutdown")
    .description("stop Headscale, then the helper: nothing of Headscale Remote is left running")
    .action(async () => {
      const client = await ctx.connectIfRunning();
      if (!client) return print({ helper: null, stopped: false }, () => "No helper is running; nothing to stop.");
      let pid: number;
      try {
        pid = (await client.call("status")).helper.pid;
        await client.call("helper.shutdown");
      } finally {
        client.close();
      }
      // The helper answers first, then stops Headscale (with its grace period) and itself.
      if (!(await waitForExit(pid, LIFECYCLE_TIMEOUT_MS))) {
        throw new Error(`the helper (pid ${pid}) asked to shut down has not exited yet`);
      }
      print({ helper: { pid }, stopped: true }, () => `Stopped Headscale and the helper (pid ${pid}).`);
    });

  program
    .command("status")
    .description("show Headscale's state, server URL, version and node counts")
    .action(async () => {
      const status = await call("status");
      // A reachability check asks DNS and the server URL; a helper without it still has a status.
      const reachability = await call("server.reachability").catch(() => undefined);
      print({ ...status, ...(reachability && { reachability }) }, (s) =>
        [formatStatus(s), ...(reachability ? [formatReachability(reachability)] : [])].join("\n"),
      );
    });
}
