/** How the helper's failures reach clients: a JSON-RPC code that says what kind, and one clear line. */
import { HeadscaleNotFoundError, UnsupportedHeadscaleError } from "../headscale/binary.js";
import { INSTALL_COMMAND } from "../project.js";
import { HeadscaleApiError } from "../headscale/admin-client.js";
import { HeadscaleStartError } from "../headscale/supervisor.js";
import { ConfigError } from "../config/settings-store.js";
import { DamagedStateError } from "../accounts/device-key-store.js";
import { redact } from "../logs/redact.js";
import { NotOurHomeError } from "../home/home-dir.js";
import { failureMessage } from "../home/storage-errors.js";
import { AddonMissingError } from "../tailnet/addon.js";
import { BridgeError } from "../tailnet/bridge.js";
import { ErrorCode } from "../protocol/errors.js";

export class NotRunningError extends Error {
  /** Goes to the client as the error's data: a CLI tells "start it" from "wait, it restarts". */
  readonly data: { state: string; restarting: boolean };

  /** `lastError` explains a crash. */
  constructor(state: string, lastError: string | null, restarting: boolean) {
    const why = lastError && state === "crashed" ? `: ${lastError.replace(/^Headscale /, "")}` : ` (${state})`;
    super(`Headscale is not running${why}`);
    this.name = "NotRunningError";
    this.data = { state, restarting };
  }
}

/** Something asked for does not exist: a plain line instead of Headscale's own words. */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}

/** The request cannot be done as asked (a name taken, say): the caller must change it. */
export class BadInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadInputError";
  }
}

/**
 * Headscale 0.29 answers "not found" in several ways: NOT_FOUND, or another refusal whose text says
 * "no longer exists", "not found" or "record not found".
 */
export function isNotFound(error: unknown): boolean {
  return (
    error instanceof HeadscaleApiError &&
    (error.kind === "not-found" ||
      (error.kind !== "unavailable" && /not found|no longer exists|does not exist/i.test(error.message)))
  );
}

/** Runs a call to Headscale and turns its "not found" into one plain line. */
export async function orNotFound<T>(call: Promise<T>, message: string): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw isNotFound(error) ? new NotFoundError(message) : error;
  }
}

const needsBinary = (error: unknown) =>
  error instanceof HeadscaleNotFoundError || error instanceof UnsupportedHeadscaleError;

export function toRpcError(error: unknown): { code: number; message: string; data?: unknown } {
  const message = redact(failureMessage(error));
  if (error instanceof NotRunningError) return { code: ErrorCode.HeadscaleNotRunning, message, data: error.data };
  if (error instanceof NotFoundError) return { code: ErrorCode.NotFound, message };
  if (error instanceof NotOurHomeError) return { code: ErrorCode.ConfigRejected, message };
  if (error instanceof BadInputError) return { code: ErrorCode.InvalidParams, message };
  if (error instanceof HeadscaleStartError) {
    // No usable binary: clients offer the download rather than only showing the line.
    const needsHeadscale = needsBinary(error.cause);
    return {
      code: ErrorCode.HeadscaleFailed,
      message,
      data: { logTail: error.logTail, ...(needsHeadscale && { needsHeadscale }) },
    };
  }
  if (needsBinary(error)) return { code: ErrorCode.HeadscaleFailed, message, data: { needsHeadscale: true } };
  if (error instanceof ConfigError) return { code: ErrorCode.ConfigRejected, message };
  if (error instanceof DamagedStateError) return { code: ErrorCode.StateDamaged, message };
  if (error instanceof BridgeError && error.kind === "bad-input") return { code: ErrorCode.InvalidParams, message };
  if (error instanceof BridgeError && error.kind === "not-found") return { code: ErrorCode.NotFound, message };
  // Without the addon, clients offer the command that brings it.
  if (error instanceof AddonMissingError)
    return { code: ErrorCode.BridgeUnavailable, message, data: { installCommand: INSTALL_COMMAND } };
  if (error instanceof BridgeError) return { code: ErrorCode.BridgeUnavailable, message };
  if (error instanceof HeadscaleApiError) {
    if (error.kind === "not-found") return { code: ErrorCode.NotFound, message };
    if (error.kind === "unavailable") return { code: ErrorCode.HeadscaleNotRunning, message };
    // Headscale refused the request as asked (a tag the policy does not own, a name taken): bad input.
    if (error.kind === "invalid" || error.kind === "conflict") return { code: ErrorCode.InvalidParams, message };
    return { code: ErrorCode.HeadscaleFailed, message };
  }
  return { code: ErrorCode.Internal, message };
}
