/** The exit codes of the CLI and of the helper process, shared so that both end alike. */
import type { ErrorKind } from "./failure.js";

/**
 * Exit codes, for scripts: 2 bad input (usage, invalid values, a rejected setting, a name taken),
 * 3 not found, 4 nothing to talk to (no helper, or Headscale not running), 1 anything else.
 */
export const EXIT = { failure: 1, badInput: 2, notFound: 3, unavailable: 4 } as const;

/** The exit code of each kind of failure: the kind alone decides it. */
export const KIND_EXIT: Readonly<Record<ErrorKind, number>> = {
  "bad-input": EXIT.badInput,
  conflict: EXIT.badInput,
  "not-found": EXIT.notFound,
  unavailable: EXIT.unavailable,
  denied: EXIT.failure,
  failed: EXIT.failure,
};
