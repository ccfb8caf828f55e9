/** How the helper's failures reach clients: the JSON-RPC code of their kind, one clear line, and their data. */
import { INSTALL_COMMAND } from "../project.js";
import { HeadscaleApiError } from "../headscale/admin-client.js";
import { redact } from "../logs/redact.js";
import { failureMessage } from "../home/storage-errors.js";
import { AddonMissingError } from "../tailnet/addon.js";
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

/** Facts a client acts on, beyond the line: a HelperFailure's own data, and the addon's install command. */
function dataOf(error: unknown): unknown {
  // Without the addon, clients offer the command that brings it.
  if (error instanceof AddonMissingError) return { installCommand: INSTALL_COMMAND };
  return error instanceof HelperFailure ? error.data : undefined;
}

/** The code says the kind; an error of no kind is unexpected (our own bug) and goes as Internal. */
export function toRpcError(error: unknown): { code: number; message: string; data?: unknown } {
  const message = redact(failureMessage(error));
  // A missing addon is a missing part, as a missing Headscale is: a failure that says what brings it.
  const kind = error instanceof AddonMissingError ? "failed" : kindOf(error);
  const data = dataOf(error);
  return { code: kind ? KIND_CODE[kind] : ErrorCode.Internal, message, ...(data !== undefined && { data }) };
}
