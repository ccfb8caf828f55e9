/** How the helper's failures reach clients: the JSON-RPC code of their kind, one clear line, and their data. */
import { HeadscaleApiError } from "../headscale/admin-client.js";
import { redact } from "../logs/redact.js";
import { failureMessage } from "../util/storage-errors.js";
import { ErrorCode, KIND_CODE } from "../protocol/errors.js";
import { HelperFailure, kindOf, NotFoundError } from "../util/failure.js";

export { BadInputError, ConflictError, NotFoundError } from "../util/failure.js";

export class NotRunningError extends HelperFailure {
  /** Goes to the client as the error's data: a CLI tells "start it" from "wait, it restarts". */
  declare readonly data: { state: string; restarting: boolean };

  /** `lastError` explains a crash. */
  constructor(state: string, lastError: string | null, restarting: boolean) {
    const why = lastError && state === "crashed" ? `: ${lastError.replace(/^Headscale /, "")}` : ` (${state})`;
    super("unavailable", `Headscale is not running${why}`, { data: { state, restarting } });
    this.name = "NotRunningError";
  }
}

/** Headscale has no such thing: its own answer, classified where it is read (headscale/grpc/). */
export const isNotFound = (error: unknown): boolean => error instanceof HeadscaleApiError && error.kind === "not-found";

/** Runs a call to Headscale and turns its "not found" into one plain line. */
export async function orNotFound<T>(call: Promise<T>, message: string): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw isNotFound(error) ? new NotFoundError(message) : error;
  }
}

/**
 * The code says the kind, and the data (what a client offers next: the download, the install
 * command, "it restarts") goes along. An error of no kind is unexpected, our own bug: Internal.
 */
export function toRpcError(error: unknown): { code: number; message: string; data?: unknown } {
  const message = redact(failureMessage(error));
  const kind = kindOf(error);
  const data = error instanceof HelperFailure ? error.data : undefined;
  return { code: kind ? KIND_CODE[kind] : ErrorCode.Internal, message, ...(data !== undefined && { data }) };
}
