/**
 * What every command shares: the global options (--home, --json), printing, calls to the helper
 * and the waits around them. Made by createContext for one program; nothing here runs on import.
 */
import { InvalidArgumentError, type Command } from "commander";
import yoctoSpinner from "yocto-spinner";
import { HelperClient, HelperUnavailableError } from "../client/helper-client.js";
import { ensureHelper, helperSocketPath } from "../client/launch.js";
import type { MethodName, ParamsOf, ResultOf } from "../protocol/methods.js";
import { printable } from "./format.js";

/** The options given before the command, for every command. */
export interface Globals {
  home?: string;
  json?: boolean;
}

export interface CliContext {
  /** --home and --json, as parsed. */
  globals(): Globals;
  /** One JSON document with --json; otherwise `human`'s text, made safe for a terminal. */
  print<T>(value: T, human: (value: T) => string): void;
  /** One call to the helper, starting one first when none is running. */
  call<M extends MethodName>(method: M, params?: ParamsOf<M>, timeoutMs?: number): Promise<ResultOf<M>>;
  /** The running helper, or undefined: commands that only stop things never launch one. */
  connectIfRunning(): Promise<HelperClient | undefined>;
  /** A spinner on stderr while `work` runs, only on a terminal: scripts and pipes see nothing. */
  whileWaiting<T>(text: string, work: Promise<T>): Promise<T>;
  /** Destructive commands act only when told twice: a script must say --yes, as Raycast asks first. */
  confirmed(options: { yes?: boolean }, what: string): void;
}

/** A resource's command (`bridge`, `config`, …): the one its file registers its subcommands under. */
export function resourceCommand(program: Command, name: string, description: string): Command {
  return program.command(name).description(description);
}

/** The context of `program`: its global options are read when a command runs, not before. */
export function createContext(program: Command): CliContext {
  const globals = () => program.opts<Globals>();

  return {
    globals,

    print(value, human) {
      console.log(globals().json ? JSON.stringify(value, null, 2) : printable(human(value)));
    },

    async call(method, params, timeoutMs) {
      const client = await ensureHelper({ home: globals().home });
      try {
        return await client.call(method, params, { timeoutMs });
      } finally {
        client.close();
      }
    },

    connectIfRunning() {
      return HelperClient.connect(helperSocketPath(globals().home)).catch((error) => {
        if (error instanceof HelperUnavailableError) return undefined;
        throw error;
      });
    },

    async whileWaiting(text, work) {
      if (!process.stderr.isTTY || globals().json) return work;
      const spinner = yoctoSpinner({ text, stream: process.stderr }).start();
      try {
        return await work;
      } finally {
        spinner.stop();
      }
    },

    confirmed(options, what) {
      if (!options.yes) throw new InvalidArgumentError(`${what} cannot be undone: add --yes to do it`);
    },
  };
}
