#!/usr/bin/env node
/**
 * headscale-remote: the command line over the helper. `helper` runs the helper itself;
 * every other command is a short call over its socket (starting a helper first when
 * none is running). --json prints one JSON document; errors are one line on stderr.
 */
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { resolve as resolvePath } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import yoctoSpinner from "yocto-spinner";
import {
  HelperClient,
  HelperError,
  HelperStartError,
  HelperUnavailableError,
  LIFECYCLE_TIMEOUT_MS,
} from "../client/helper-client.js";
import { ensureHelper, helperSocketPath } from "../client/launch.js";
import { checkHome } from "../home/home-dir.js";
import { homePaths, resolveHome } from "../home/paths.js";
import { storageProblem } from "../home/storage-errors.js";
import { downloadHeadscale, type DownloadProgress } from "../headscale/download.js";
import { HEADSCALE_VERSION } from "../headscale/release.js";
import { runHelper } from "../daemon/run-helper.js";
import {
  DEFAULT_API_KEY_EXPIRATION,
  ErrorCode,
  MAX_POLICY_BYTES,
  Settings,
  type LogLine,
  type MethodName,
  type ParamsOf,
  type ResultOf,
  type SettingsPatch,
  type Status,
} from "../protocol/schema.js";
import { waitForExit } from "../os/process-info.js";
import { installService, uninstallService } from "../service/install.js";
import { helperEntry, helperVersion } from "../project.js";
import {
  formatBridge,
  formatBridgeUp,
  formatNodes,
  formatPolicyHistory,
  formatRoutes,
  formatReachability,
  formatStatus,
  formatTable,
  printable,
} from "./format.js";
import { EMPTY_POLICY, editPolicy } from "./edit-policy.js";
import { EXIT_ROUTES } from "../headscale/routes.js";
import { logLineText, logsAsText, relativeTime, tailscaleUpCommand } from "../client/present.js";

// A reader that went away (`logs -f | head -2`) is a normal end, not a crash with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

const program = new Command("headscale-remote")
  .description("Run your own Headscale from your computer and drive it from Raycast or the terminal.")
  .version(helperVersion())
  .option("--home <dir>", "the helper's home folder (default: $HEADSCALE_REMOTE_HOME or the app data folder)")
  .option("--json", "print one JSON document instead of text");

const globals = () => program.opts<{ home?: string; json?: boolean }>();

function print<T>(value: T, human: (value: T) => string): void {
  console.log(globals().json ? JSON.stringify(value, null, 2) : printable(human(value)));
}

/** Destructive commands act only when told twice: a script must say --yes, as Raycast asks first. */
function confirmed(options: { yes?: boolean }, what: string): void {
  if (!options.yes) throw new InvalidArgumentError(`${what} cannot be undone: add --yes to do it`);
}

/** A list given as "a,b c": commas or spaces. */
const list = (value: string, previous: string[] = []) => [...previous, ...value.split(/[\s,]+/).filter(Boolean)];

/** A policy file's text, or standard input's for "-"; refused, before sending, if it cannot be one. */
async function readPolicy(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    if (file === "-") {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      bytes = Buffer.concat(chunks);
    } else {
      bytes = await readFile(file);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (error as Error).message;
    throw new InvalidArgumentError(`cannot read ${file}: ${why}`);
  }
  if (bytes.length > MAX_POLICY_BYTES) {
    throw new InvalidArgumentError(`${file} holds ${bytes.length} bytes: a policy is at most 512 KiB`);
  }
  return bytes.toString("utf8");
}

/** A spinner on stderr while `work` runs, only on a terminal: scripts and pipes see nothing. */
async function whileWaiting<T>(text: string, work: Promise<T>): Promise<T> {
  if (!process.stderr.isTTY || globals().json) return work;
  const spinner = yoctoSpinner({ text, stream: process.stderr }).start();
  try {
    return await work;
  } finally {
    spinner.stop();
  }
}

async function call<M extends MethodName>(method: M, params?: ParamsOf<M>, timeoutMs?: number): Promise<ResultOf<M>> {
  const client = await ensureHelper({ home: globals().home });
  try {
    return await client.call(method, params, { timeoutMs });
  } finally {
    client.close();
  }
}

program
  .command("helper")
  .description("run the helper in the foreground (Ctrl-C stops Headscale and the helper)")
  .option("--no-start", "do not start Headscale now, whatever the autoStart setting says")
  .action((options: { start: boolean }) => runHelper({ home: resolveHome(globals().home), start: options.start }));

for (const [name, method, verb] of [
  ["start", "headscale.start", "start Headscale and wait until it is ready"],
  ["restart", "headscale.restart", "stop, then start Headscale"],
] as const) {
  program
    .command(name)
    .description(verb)
    .action(async () => print(await call(method, undefined, LIFECYCLE_TIMEOUT_MS), formatStatus));
}

/** The running helper, or undefined: commands that only stop things never launch one. */
async function connectIfRunning(): Promise<HelperClient | undefined> {
  return HelperClient.connect(helperSocketPath(globals().home)).catch((error) => {
    if (error instanceof HelperUnavailableError) return undefined;
    throw error;
  });
}

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

program
  .command("stop")
  .description("stop Headscale (SIGTERM, then SIGKILL after 5 s); the helper keeps answering")
  .action(async () => {
    // Without a helper nothing runs, and starting one just to stop it could auto-start Headscale.
    const client = await connectIfRunning();
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
    const client = await connectIfRunning();
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

const nodes = program.command("nodes").description("list and manage the tailnet's nodes");
nodes
  .command("list", { isDefault: true })
  .description("list every node")
  .option("--user <name>", "only this user's nodes")
  .action(async (options: { user?: string }) =>
    print(await call("nodes.list", options.user ? { user: options.user } : undefined), (list) =>
      list.length === 0 && options.user ? `${options.user} has no nodes.` : formatNodes(list),
    ),
  );
nodes
  .command("rename <id> <name>")
  .description("give a node a new name")
  .action(async (id: string, name: string) =>
    print(await call("nodes.rename", { id, name }), (node) => `Node ${node.id} is now ${node.givenName}.`),
  );
nodes
  .command("expire <id>")
  .description("log a node out; it must authenticate again (needs --yes)")
  .option("--yes", "really do it")
  .action(async (id: string, options: { yes?: boolean }) => {
    confirmed(options, `logging node ${id} out`);
    print(await call("nodes.expire", { id }), (node) => `Node ${node.id} (${node.givenName}) expired.`);
  });
nodes
  .command("delete <id>")
  .description("remove a node from the tailnet (needs --yes)")
  .option("--yes", "really do it")
  .action(async (id: string, options: { yes?: boolean }) => {
    confirmed(options, `deleting node ${id}`);
    print(await call("nodes.delete", { id }), () => `Node ${id} deleted.`);
  });
nodes
  .command("register <url-or-key>")
  .description("let in a device that ran `tailscale up` without a key: the URL it printed, or the key in it")
  .option("--user <name>", "the user it joins as (default: your own)")
  .action(async (key: string, options: { user?: string }) =>
    print(
      await call("nodes.register", { key, user: options.user }),
      (node) => `Registered ${node.givenName} (node ${node.id}, ${node.ipAddresses.join(", ")}) to ${node.user}.`,
    ),
  );
nodes
  .command("routes [id]")
  .description("the routes nodes offer (subnets, exit nodes) and which are approved")
  .action(async (id?: string) => {
    const list = await call("nodes.list");
    const shown = id === undefined ? list : list.filter((node) => node.id === id);
    if (id !== undefined && shown.length === 0) throw new HelperError(`no node with id ${id}`, ErrorCode.NotFound);
    print(shown, formatRoutes);
  });
/** "exit" stands for the pair of routes an exit node serves. */
const routesOf = (routes: string[]) => routes.flatMap((route) => (route === "exit" ? [...EXIT_ROUTES] : [route]));
nodes
  .command("approve <id> <route...>")
  .description("approve routes a node offers: CIDRs like 192.0.2.0/24, or `exit` to make it an exit node")
  .action(async (id: string, routes: string[]) =>
    print(await call("nodes.routes", { id, approve: routesOf(routes) }), (node) => formatRoutes([node])),
  );
nodes
  .command("unapprove <id> <route...>")
  .description("withdraw approval of routes (`exit` for the exit node)")
  .action(async (id: string, routes: string[]) =>
    print(await call("nodes.routes", { id, unapprove: routesOf(routes) }), (node) => formatRoutes([node])),
  );
nodes
  .command("tag <id> <tag...>")
  .description(
    "set a node's tags, e.g. tag:server (the policy's tagOwners must list them; Headscale 0.29 cannot untag a node)",
  )
  .action(async (id: string, tags: string[]) =>
    print(
      await call("nodes.tag", { id, tags: tags.flatMap((tag) => list(tag)) }),
      (node) => `Node ${node.id} (${node.givenName}) is tagged ${node.tags.join(", ")}.`,
    ),
  );

const users = program.command("users").description("list, create, rename and delete Headscale users");
users.command("list", { isDefault: true }).action(async () =>
  print(await call("users.list"), (list) =>
    formatTable(
      ["ID", "NAME", "CREATED"],
      list.map((u) => [u.id, u.name, relativeTime(u.createdAt)]),
    ),
  ),
);
users
  .command("create <name>")
  .action(async (name: string) =>
    print(await call("users.create", { name }), (user) => `User ${user.name} (id ${user.id}) created.`),
  );
users
  .command("rename <name> <new-name>")
  .action(async (name: string, newName: string) =>
    print(await call("users.rename", { name, newName }), (user) => `User ${name} is now ${user.name}.`),
  );
users
  .command("delete <name>")
  .description("delete a user (needs --yes); one who still owns nodes needs --force, which deletes them too")
  .option("--yes", "really do it")
  .option("--force", "also delete the user's nodes (implies --yes)")
  .action(async (name: string, options: { yes?: boolean; force?: boolean }) => {
    confirmed({ yes: options.yes || options.force }, `deleting user ${name}`);
    print(
      await call("users.delete", { name, force: options.force ?? false }),
      (r) =>
        `User ${name} deleted${r.deletedNodes ? `, with ${r.deletedNodes} node${r.deletedNodes === 1 ? "" : "s"}` : ""}.`,
    );
  });

program
  .command("logs")
  .description("print Headscale's recent log lines")
  .option("-n, --lines <n>", "how many lines (0–100000)", count(100_000), 100)
  .option("-f, --follow", "keep printing new lines")
  .action(async (options: { lines: number; follow?: boolean }) => {
    const client = await ensureHelper({ home: globals().home });
    const show = (line: LogLine) => console.log(globals().json ? JSON.stringify(line) : printable(logLineText(line)));
    const lines = await client.call("logs.tail", { lines: options.lines });
    if (!options.follow) {
      client.close();
      return print(lines, logsAsText);
    }
    // Follow prints JSON lines (one document per line) in --json mode.
    let last = 0;
    for (const line of lines) {
      show(line);
      last = line.seq;
    }
    await client.followLogs((line) => {
      if (line.seq > last) show(line);
    });
    const ended = await new Promise<"interrupted" | "helper gone">((resolve) => {
      process.once("SIGINT", () => resolve("interrupted"));
      client.onClose(() => resolve("helper gone"));
    });
    client.close();
    // The helper stopping is not what the person following asked for: say so, and fail.
    if (ended === "helper gone") throw new HelperUnavailableError(client.socketPath, "it stopped while following");
  });

const keys = program.command("keys").description("API keys and pre-auth keys");
keys
  .command("api")
  .description("create an API key for Headscale's REST API (shown once)")
  .option(
    "--expiration <duration>",
    `how long it lives, e.g. 30d or 12h (default: the apiKeyExpiration setting, ${DEFAULT_API_KEY_EXPIRATION} unless set)`,
  )
  .action(async (options: { expiration?: string }) =>
    print(
      await call("apiKeys.create", { expiration: options.expiration }),
      (r) => `${r.apiKey}\nexpires ${r.expiresAt}; it is not shown again`,
    ),
  );
keys
  .command("mint")
  .description("a pre-auth key for one device of an account (the same device gets the same key while it is valid)")
  .requiredOption("--device-id <id>", "a stable identifier of the device")
  .option("--device-name <name>", "a name for people")
  .option("--account <account>", "the account the device belongs to (default: your user name)")
  .action(async (options: { deviceId: string; deviceName?: string; account?: string }) =>
    print(await call("preAuthKeys.mint", options), (r) =>
      [
        `${r.reused ? "Reused" : "New"} key for ${r.deviceId} (user ${r.user}), expires ${r.expiresAt}:`,
        `  ${tailscaleUpCommand(r)}`,
      ].join("\n"),
    ),
  );
keys
  .command("create")
  .description("a pre-auth key with options, for any user (shown once; unlike mint, never handed out again)")
  .option("--user <name>", "the user its devices join as (default: your own)")
  .option("--reusable", "it may register more than one device")
  .option("--ephemeral", "devices it registers are removed when they go offline")
  .option("--tags <tags>", "devices it registers are tagged, e.g. tag:server,tag:ci", list)
  .option(
    "--expiration <duration>",
    "how long it can be used, e.g. 1h or 7d (default: the clientKeyExpiration setting)",
  )
  .action(
    async (options: { user?: string; reusable?: boolean; ephemeral?: boolean; tags?: string[]; expiration?: string }) =>
      print(
        await call("preAuthKeys.create", {
          user: options.user,
          reusable: options.reusable ?? false,
          ephemeral: options.ephemeral ?? false,
          tags: options.tags ?? [],
          expiration: options.expiration,
        }),
        (r) =>
          [
            `Key ${r.id} for ${r.user ?? "tagged devices"}${r.tags.length ? ` (${r.tags.join(", ")})` : ""}, ` +
              `${r.reusable ? "reusable" : "single use"}${r.ephemeral ? ", ephemeral" : ""}, expires ${r.expiresAt}:`,
            `  ${tailscaleUpCommand(r)}`,
          ].join("\n"),
      ),
  );
keys
  .command("list")
  .description("list pre-auth keys (without their secrets)")
  .action(async () =>
    print(await call("preAuthKeys.list"), (list) =>
      formatTable(
        ["ID", "DEVICE", "USER", "REUSABLE", "EPHEMERAL", "TAGS", "USED", "EXPIRES"],
        list.map((k) => [
          k.id,
          k.device ?? "",
          k.user ?? "",
          String(k.reusable),
          String(k.ephemeral),
          k.aclTags.join(", "),
          String(k.used),
          k.expiration ?? "never",
        ]),
      ),
    ),
  );
keys
  .command("expire <id>")
  .description("expire a pre-auth key (needs --yes)")
  .option("--yes", "really do it")
  .action(async (id: string, options: { yes?: boolean }) => {
    confirmed(options, `expiring pre-auth key ${id}`);
    print(await call("preAuthKeys.expire", { id }), () => `Pre-auth key ${id} expired.`);
  });

const policy = program
  .command("policy")
  .description("the tailnet's ACL policy: checked by Headscale before it applies, with the last 20 versions kept");
policy
  .command("get", { isDefault: true })
  .description("print the current policy (HuJSON)")
  .action(async () =>
    print(await call("policy.get"), (p) => p.policy || "No policy is set: every device may reach every other."),
  );
policy
  .command("check <file>")
  .description("have Headscale check a policy file (- for standard input) without applying it")
  .action(async (file: string) =>
    print(await call("policy.check", { policy: await readPolicy(file) }), () => "Headscale accepts this policy."),
  );
policy
  .command("set <file>")
  .description("check, then apply a policy file (- for standard input); a rejected one changes nothing")
  .action(async (file: string) =>
    print(await call("policy.set", { policy: await readPolicy(file) }), (p) => `Applied policy version ${p.version}.`),
  );
policy
  .command("edit")
  .description("edit the policy in $VISUAL or $EDITOR; it is checked and applied when the editor exits")
  .action(async () => {
    const current = await call("policy.get");
    const draft = await editPolicy(current.policy || EMPTY_POLICY);
    // The starter text left as it is, when there was no policy, is no change either.
    if (draft.text === current.policy || (current.policy === "" && draft.text === EMPTY_POLICY)) {
      await draft.discard();
      return print(current, () => "No change.");
    }
    let applied;
    try {
      applied = await call("policy.set", { policy: draft.text });
    } catch (error) {
      // Nothing typed is lost: the draft stays for the next try.
      if (error instanceof Error) error.message += `; your edit is kept in ${draft.file}`;
      throw error;
    }
    await draft.discard();
    print(applied, (p) => `Applied policy version ${p.version}.`);
  });
policy
  .command("history")
  .description("the versions kept (the last 20 applied through Headscale Remote)")
  .action(async () => {
    const [versions, current] = await Promise.all([call("policy.history"), call("policy.get")]);
    print(versions, (v) => formatPolicyHistory(v, current.version));
  });
policy
  .command("rollback [version]")
  .description("apply an earlier version: the one given, or the newest that differs from the current policy")
  .action(async (version?: string) =>
    print(
      await call("policy.rollback", version === undefined ? undefined : { version: versionNumber(version) }),
      (p) => `Rolled back: the policy is now version ${p.version}.`,
    ),
  );

const config = program
  .command("config")
  .description("the helper's settings (Headscale's config is generated from them)");
config
  .command("get [key]", { isDefault: true })
  .description("all settings, or one")
  .action(async (key?: string) => {
    const view = await call("config.get");
    if (key === undefined) {
      return print(
        view,
        (c) =>
          `${JSON.stringify(c.settings, null, 2)}\nconfig: ${c.configPath}${c.editedByHand ? " (edited by hand)" : ""}` +
          (c.reach ? `\nreach: ${c.reach}, devices use ${c.serverUrl}` : ""),
      );
    }
    // reach is what the settings amount to; serverUrl the URL in force (the setting may be unset).
    const derived: Record<string, unknown> = { reach: view.reach, serverUrl: view.serverUrl };
    if (!(key in Settings.shape) && !(key in derived)) {
      throw new InvalidArgumentError(
        `no setting named ${key}; settings: reach, ${Object.keys(Settings.shape).join(", ")}`,
      );
    }
    const value = (key in derived ? derived[key] : (view.settings as Record<string, unknown>)[key]) ?? null;
    print(value, (v) => (typeof v === "string" ? v : JSON.stringify(v, null, 2)));
  });
config
  .command("set <key=value...>")
  .description(
    "change settings, e.g. `config set autoStart=false listenAddr=127.0.0.1:8080`; values are JSON or plain text; " +
      "`serverUrl=` or `headscalePath=` goes back to the default. Settings: " +
      Object.keys(Settings.shape)
        .filter((key) => key !== "bridge")
        .join(", "),
  )
  .action(async (pairs: string[]) => {
    const patch: Record<string, unknown> = {};
    for (const pair of pairs) {
      const at = pair.indexOf("=");
      if (at < 1) {
        throw new InvalidArgumentError(
          `expected key=value, got ${JSON.stringify(pair)} (see headscale-remote config set --help)`,
        );
      }
      const key = pair.slice(0, at);
      const raw = pair.slice(at + 1);
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
      // Two partial objects for one key (dns=… dns=…) add up; the first is not lost.
      const earlier = patch[key];
      patch[key] = isObject(earlier) && isObject(value) ? { ...earlier, ...value } : value;
    }
    const view = await call("config.set", { patch: withAbsolutePaths(patch) as SettingsPatch }, LIFECYCLE_TIMEOUT_MS);
    print(
      view,
      (c) => `Settings saved. Devices use ${c.serverUrl ?? "the server URL"}${c.reach ? ` (reach: ${c.reach})` : ""}.`,
    );
  });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Certificate paths are the user's, relative to where they typed them; the helper runs elsewhere. */
function withAbsolutePaths(patch: Record<string, unknown>): Record<string, unknown> {
  const tls = patch.tls as Record<string, unknown> | undefined;
  if (!tls || typeof tls !== "object") return patch;
  const absolute = (value: unknown) => (typeof value === "string" && value !== "" ? resolvePath(value) : value);
  return {
    ...patch,
    tls: {
      ...tls,
      ...("certPath" in tls && { certPath: absolute(tls.certPath) }),
      ...("keyPath" in tls && { keyPath: absolute(tls.keyPath) }),
    },
  };
}

/** A whole number written as digits only ("1e3", "0x10", "1.5" are refused, not misread), up to max. */
function count(max: number) {
  return (value: string): number => {
    if (!/^\d{1,9}$/.test(value) || Number(value) > max) {
      throw new InvalidArgumentError(`a whole number from 0 to ${max}`);
    }
    return Number(value);
  };
}

/** A policy version: a whole number from 1, as `policy history` lists them. */
function versionNumber(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError("a version number from `policy history` (1, 2, …)");
  }
  return Number(value);
}

/** A TCP port, written as digits only: "80x", "0" and "70000" are refused, not guessed at. */
function port(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    throw new InvalidArgumentError("a port is a whole number from 1 to 65535");
  }
  return Number(value);
}

const bridge = program
  .command("bridge")
  .description("this computer's own tailnet node, and tailnet ports it forwards to local services");
bridge
  .command("up")
  .description("forward a tailnet port of this computer to a local port (the node joins if it has not)")
  .requiredOption("--local-port <port>", "the service on 127.0.0.1", port)
  .option("--tailnet-port <port>", "the port devices on the tailnet connect to (default: the local port)", port)
  .option("--account <account>", "whose Headscale user the node belongs to (default: your user name)")
  .option("--hostname <name>", "the node's name on the tailnet (default: this computer's name)")
  .action(async (options: { localPort: number; tailnetPort?: number; account?: string; hostname?: string }) => {
    const bridge = await whileWaiting("Joining the tailnet", call("bridge.up", options));
    print(bridge, (b) => formatBridgeUp(b, options.localPort, options.tailnetPort));
  });
bridge
  .command("down")
  .description("stop forwarding one tailnet port, or all of them (the node then leaves)")
  .option("--tailnet-port <port>", "only this mapping", port)
  .action(async (options: { tailnetPort?: number }) =>
    print(await call("bridge.down", options), (bridge) =>
      options.tailnetPort === undefined
        ? "Removed every mapping; this computer's node has left the tailnet (it keeps its identity for the next bridge up)."
        : `Tailnet port ${options.tailnetPort} is no longer forwarded.\n\n${formatBridge(bridge)}`,
    ),
  );
bridge
  .command("status", { isDefault: true })
  .description("the node's state and addresses, and each mapping's counters")
  .action(async () => print(await call("bridge.status"), formatBridge));

const headscale = program.command("headscale").description("the Headscale binary the helper runs");
headscale
  .command("download")
  .description(`download the official Headscale ${HEADSCALE_VERSION} into the home, checked against its pinned SHA-256`)
  .action(async () => {
    const paths = homePaths(resolveHome(globals().home), tmpdir());
    await checkHome(paths); // never into a folder that is not a home of ours (~/bin, say)
    const target = paths.downloadedHeadscale;
    const bar = process.stderr.isTTY && !globals().json ? progressBar(`Headscale ${HEADSCALE_VERSION}`) : undefined;
    const path = await downloadHeadscale({ target, onProgress: bar }).finally(() => bar && process.stderr.write("\n"));
    print(
      { path, version: HEADSCALE_VERSION },
      () => `Headscale ${HEADSCALE_VERSION} is at ${path}; the next start uses it.`,
    );
  });

/** A one-line progress bar on stderr, redrawn in place. */
function progressBar(what: string) {
  return ({ received, total }: DownloadProgress) => {
    const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
    const done = total ? Math.floor((received / total) * 30) : 0;
    const bar = total ? `[${"#".repeat(done)}${" ".repeat(30 - done)}] ` : "";
    process.stderr.write(`\r${what} ${bar}${mib(received)}${total ? ` of ${mib(total)}` : ""} MiB`);
  };
}

const service = program
  .command("service")
  .description("keep the helper running with launchd (macOS) or systemd (Linux)");
service.command("install").action(async () => {
  const result = await installService({
    nodePath: process.execPath,
    entryPath: helperEntry(),
    home: resolveHome(globals().home),
  });
  print(result, (r) => `${r.file}: ${r.note}`);
});
service.command("uninstall").action(async () => print(await uninstallService(), (r) => `${r.file}: ${r.note}`));

/**
 * Exit codes, for scripts: 2 bad input (usage, invalid values, a rejected setting), 3 not found,
 * 4 nothing to talk to (no helper, or Headscale not running), 1 anything else.
 */
export const EXIT = { failure: 1, badInput: 2, notFound: 3, unavailable: 4 } as const;

function exitCodeFor(error: unknown): number {
  if (error instanceof HelperUnavailableError) return EXIT.unavailable;
  if (error instanceof InvalidArgumentError) return EXIT.badInput;
  if (!(error instanceof HelperError)) return EXIT.failure;
  switch (error.code) {
    case ErrorCode.NotFound:
      return EXIT.notFound;
    case ErrorCode.InvalidParams:
    case ErrorCode.InvalidRequest:
    case ErrorCode.ConfigRejected:
      return EXIT.badInput;
    case ErrorCode.HeadscaleNotRunning:
      return EXIT.unavailable;
    default:
      return EXIT.failure;
  }
}

/** A usage mistake is one line and a pointer to the right help, not the whole usage text. */
function oneLineUsageErrors(command: Command, path: string[]): void {
  command.showHelpAfterError(`(see ${[...path, "--help"].join(" ")})`);
  command.configureOutput({ outputError: (text, write) => write(printable(text)) });
  command.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT.badInput));
  for (const sub of command.commands) oneLineUsageErrors(sub, [...path, sub.name()]);
}
oneLineUsageErrors(program, ["headscale-remote"]);

/** What to type next, for the failures a command fixes; the helper's messages carry no CLI wording. */
function nextStep(error: unknown): string {
  if (error instanceof HelperStartError) return ""; // starting one is what failed
  if (error instanceof HelperUnavailableError) return "; start it with `headscale-remote helper`";
  // Only when it is stopped or crashed for good: not when it is slow to answer, or already restarting.
  const notRunning = error instanceof HelperError && error.code === ErrorCode.HeadscaleNotRunning;
  const data = notRunning ? (error.data as { restarting?: boolean } | undefined) : undefined;
  return data?.restarting === false ? "; start it with `headscale-remote start`" : "";
}

program.parseAsync().catch((error: unknown) => {
  const message = storageProblem(error) ?? (error instanceof Error ? error.message : String(error));
  console.error(printable(`headscale-remote: ${message}${nextStep(error)}`));
  const exitCode = exitCodeFor(error);
  // --json promises one JSON document on stdout, a failure included.
  if (globals().json) console.log(JSON.stringify({ error: { message, exitCode } }));
  process.exit(exitCode);
});
