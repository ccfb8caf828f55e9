/**
 * JSON-RPC error codes: the standard ones, and one of ours (-32000…-32099 is the server range) for
 * each kind of failure. The kind decides the code, and a client reads the kind back from the code.
 */
import type { ErrorKind } from "../util/failure.js";

export type { ErrorKind } from "../util/failure.js";

export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  Internal: -32603,
  /** Nothing answers that could do it: Headscale is not running or does not answer, say. */
  Unavailable: -32000,
  Failed: -32001,
  /** It clashes with what is there (a name taken). Was ConfigRejected, which exited 2 as well. */
  Conflict: -32002,
  NotFound: -32003,
  /** Not allowed. Was StateDamaged, which exited 1 as well. */
  Denied: -32004,
} as const;

/** The code each kind of failure goes to clients with; bad input is JSON-RPC's own InvalidParams. */
export const KIND_CODE: Readonly<Record<ErrorKind, number>> = {
  "bad-input": ErrorCode.InvalidParams,
  "not-found": ErrorCode.NotFound,
  unavailable: ErrorCode.Unavailable,
  conflict: ErrorCode.Conflict,
  denied: ErrorCode.Denied,
  failed: ErrorCode.Failed,
};

/**
 * The kind of failure a code says. A request the helper could not read is bad input; any other
 * code (an internal error, a method this helper does not have, one we do not know) is a failure.
 */
export function kindOfCode(code: number): ErrorKind {
  if (code === ErrorCode.InvalidRequest) return "bad-input";
  const kind = (Object.keys(KIND_CODE) as ErrorKind[]).find((each) => KIND_CODE[each] === code);
  return kind ?? "failed";
}
