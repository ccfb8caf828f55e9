/**
 * How the CLI ends: its exit codes, the code each failure gets, the hint that follows a message,
 * and the one line (plus one JSON document with --json) a failure prints.
 */
import { InvalidArgumentError, type Command } from "commander";
import { HelperError, HelperStartError, HelperUnavailableError } from "../client/helper-client.js";
import { failureMessage } from "../util/storage-errors.js";
import { EXIT, KIND_EXIT } from "../util/exit-codes.js";
import { kindOf } from "../util/failure.js";
import { printable } from "./format.js";

export { EXIT, KIND_EXIT };

/** A usage mistake commander finds is bad input; an error of no kind (our own bug) is a failure. */
export function exitCodeFor(error: unknown): number {
  const kind = error instanceof InvalidArgumentError ? "bad-input" : (kindOf(error) ?? "failed");
  return KIND_EXIT[kind];
}

/**
 * A usage mistake is one line and a pointer to the right help, not the whole usage text; with
 * --json, also the one JSON document every failure prints.
 */
export function oneLineUsageErrors(command: Command, path: string[], json: () => boolean | undefined): void {
  command.showHelpAfterError(`(see ${[...path, "--help"].join(" ")})`);
  command.configureOutput({ outputError: (text, write) => write(printable(text)) });
  command.exitOverride((error) => {
    if (error.exitCode === 0) process.exit(0); // --help, --version
    const message = error.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ");
    if (json()) console.log(JSON.stringify({ error: { message, exitCode: EXIT.badInput } }));
    process.exit(EXIT.badInput);
  });
  for (const sub of command.commands) oneLineUsageErrors(sub, [...path, sub.name()], json);
}

/** What to type next, for the failures a command fixes; the helper's messages carry no CLI wording. */
export function nextStep(error: unknown): string {
  if (error instanceof HelperStartError) return ""; // starting one is what failed
  if (error instanceof HelperUnavailableError) return "; start it with `headscale-remote helper`";
  // Only when it is stopped or crashed for good: not when it is slow to answer, or already restarting.
  const notRunning = error instanceof HelperError && error.kind === "unavailable";
  const data = notRunning ? (error.data as { restarting?: boolean } | undefined) : undefined;
  return data?.restarting === false ? "; start it with `headscale-remote start`" : "";
}

/** Prints a command's failure as one line on stderr, and exits with its code. */
export function exitWithFailure(error: unknown, json: boolean | undefined): never {
  const message = failureMessage(error);
  console.error(printable(`headscale-remote: ${message}${nextStep(error)}`));
  const exitCode = exitCodeFor(error);
  // --json promises one JSON document on stdout, a failure included.
  if (json) console.log(JSON.stringify({ error: { message, exitCode } }));
  process.exit(exitCode);
}
