/**
 * How a Headscale that would not start, or kept crashing, is explained: the failure with its last
 * log lines, and the lines the supervisor reports.
 */
import { HelperFailure } from "../util/failure.js";

/** How many of Headscale's last lines an error report carries. */
export const LOG_TAIL = 20;

/** Keeps a child's last LOG_TAIL output lines in `lines`, oldest first. */
export function keepLine(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > LOG_TAIL) lines.shift();
}

/**
 * Headscale did not come up. Its cause says why, in its own words (the message is the cause's
 * line); the last log lines go to clients as data, and a missing or wrong binary says so, so that
 * they offer the download.
 */
export class HeadscaleStartError extends HelperFailure {
  constructor(
    readonly logTail: string[],
    cause: unknown,
    reason: string,
  ) {
    const needsHeadscale = (cause instanceof HelperFailure && cause.data?.needsHeadscale) === true;
    super("failed", reason, { cause, causeSaid: true, data: { logTail, ...(needsHeadscale && { needsHeadscale }) } });
    this.name = "HeadscaleStartError";
  }
}

/** The line for a crash: restarting after `delayMs`, or, at the limit, giving up until someone starts it. */
export function crashLine(what: string, crashes: { count: number; windowMs: number; delayMs?: number }): string {
  if (crashes.delayMs !== undefined) return `Headscale ${what}; restarting in ${crashes.delayMs} ms`;
  return (
    `Headscale ${what} ${crashes.count} times within ${crashes.windowMs / 1000} s; ` +
    "not restarting it again. Fix the cause (see the log), then start it."
  );
}
