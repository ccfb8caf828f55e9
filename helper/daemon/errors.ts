/** How the helper's failures reach clients: a JSON-RPC code that says what kind, and one clear line. */
import { HeadscaleNotFoundError } from "../headscale/binary.js";
import { HeadscaleApiError } from "../headscale/admin-client.js";
import { HeadscaleStartError } from "../headscale/supervisor.js";
import { ConfigError } from "../config/settings-store.js";
import { DamagedStateError } from "../accounts/device-key-store.js";
import { redact } from "../logs/redact.js";
import { AddonMissingError, BridgeError } from "../tailnet/bridge.js";
import { ErrorCode } from "../protocol/schema.js";

export class NotRunningError extends Error {
  /** `lastError` explains a crash, and says when a restart is already on its way. */
  constructor(state: string, lastError?: string | null) {
    const restarting = lastError && /restarting in/.test(lastError);
    const why = lastError && state === "crashed" ? `: ${lastError.replace(/^Headscale /, "")}` : ` (${state})`;
    super(`Headscale is not running${why}${restarting ? "" : "; start it with `headscale-remote start`"}`);
    this.name = "NotRunningError";
  }
}

export function toRpcError(error: unknown): { code: number; message: string; data?: unknown } {
  const message = redact(error instanceof Error ? error.message : String(error));
  if (error instanceof NotRunningError) return { code: ErrorCode.HeadscaleNotRunning, message };
  if (error instanceof HeadscaleStartError)
    return { code: ErrorCode.HeadscaleFailed, message, data: { logTail: error.logTail } };
  if (error instanceof HeadscaleNotFoundError) return { code: ErrorCode.HeadscaleFailed, message };
  if (error instanceof ConfigError) return { code: ErrorCode.ConfigRejected, message };
  if (error instanceof DamagedStateError) return { code: ErrorCode.StateDamaged, message };
  if (error instanceof AddonMissingError || error instanceof BridgeError)
    return { code: ErrorCode.BridgeUnavailable, message };
  if (error instanceof HeadscaleApiError) {
    if (error.status === 404) return { code: ErrorCode.NotFound, message };
    if (error.status === 0) return { code: ErrorCode.HeadscaleNotRunning, message };
    return { code: ErrorCode.HeadscaleFailed, message };
  }
  return { code: ErrorCode.Internal, message };
}
