#!/usr/bin/env node
/**
 * headscale-remote: the command line over the helper. `helper` runs the helper itself;
 * every other command is a short call over its socket (starting a helper first when
 * none is running). --json prints one JSON document; errors are one line on stderr.
 *
 * Importing this module does nothing: it runs only as the process's entry (the `bin`).
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { helperVersion } from "../project.js";
import { register as bridge } from "./commands/bridge.js";
import { register as config } from "./commands/config.js";
import { register as headscale } from "./commands/headscale.js";
import { register as keys } from "./commands/keys.js";
import { register as lifecycle } from "./commands/lifecycle.js";
import { register as logs } from "./commands/logs.js";
import { register as nodes } from "./commands/nodes.js";
import { register as policy } from "./commands/policy.js";
import { register as service } from "./commands/service.js";
import { register as users } from "./commands/users.js";
import { createContext, type Globals } from "./context.js";
import { exitWithFailure, oneLineUsageErrors } from "./exit.js";

/** Every command, in the order `--help` lists them. */
const RESOURCES = [lifecycle, nodes, users, logs, keys, policy, config, bridge, headscale, service];

/** The whole command line, ready to parse. */
export function buildProgram(): Command {
  const program = new Command("headscale-remote")
    .description("Run your own Headscale from your computer and drive it from Raycast or the terminal.")
    .version(helperVersion())
    .option("--home <dir>", "the helper's home folder (default: $HEADSCALE_REMOTE_HOME or the app data folder)")
    .option("--json", "print one JSON document instead of text");
  const ctx = createContext(program);
  for (const register of RESOURCES) register(program, ctx);
  oneLineUsageErrors(program, ["headscale-remote"], () => program.opts<Globals>().json);
  return program;
}

/** Runs the command line over `argv` (node's own: the program, the script, then the words). */
export async function run(argv: string[] = process.argv): Promise<void> {
  // A reader that went away (`logs -f | head -2`) is a normal end, not a crash with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(0);
      throw error;
    });
  }
  const program = buildProgram();
  await program.parseAsync(argv).catch((error: unknown) => exitWithFailure(error, program.opts<Globals>().json));
}

/** Whether `node` was asked to run this very file (through a symlink, as npm's bin is, too). */
function isEntry(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  const real = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return undefined;
    }
  };
  const self = real(fileURLToPath(import.meta.url));
  // `node dist/helper/cli/main` finds main.js as well.
  return self !== undefined && [script, `${script}.js`, `${script}.mjs`].some((path) => real(path) === self);
}

if (isEntry()) void run();
