/**
 * Headscale Remote's client library: talk to the helper from any local Node program,
 * for example a media server minting tailnet keys for its own clients at login:
 *
 *   const client = await ensureHelper();
 *   const { preAuthKey, coordinationUrl } = await client.call("preAuthKeys.mint", { deviceId });
 */
export {
  CALL_TIMEOUT_MS,
  HelperClient,
  HelperError,
  HelperTimeoutError,
  HelperUnavailableError,
  LIFECYCLE_TIMEOUT_MS,
  callHelper,
} from "./helper-client.js";
export type { CallOptions } from "./helper-client.js";
import { HelperError } from "./helper-client.js";

/** Whether a helper's error means it has no usable Headscale (none found, or not 0.29): offer the download. */
export function needsHeadscale(error: unknown): boolean {
  return (
    error instanceof HelperError && (error.data as { needsHeadscale?: boolean } | undefined)?.needsHeadscale === true
  );
}
export { ensureHelper, helperSocketPath } from "./launch.js";
export { findInstalledHelper } from "./installed.js";
export { INSTALL_COMMAND } from "../project.js";
export type { EnsureOptions } from "./launch.js";
export { HANDOVER_WAIT_MS } from "./handover.js";
export { homePaths, resolveHome } from "../home/paths.js";
export { checkHome } from "../home/home-dir.js";
export { downloadHeadscale, DownloadError, type DownloadProgress } from "../headscale/download.js";
export { HEADSCALE_VERSION } from "../headscale/release.js";
export { ErrorCode, KIND_CODE, kindOfCode } from "../protocol/errors.js";
export type { ErrorKind } from "../protocol/errors.js";
export { methods } from "../protocol/methods.js";
export { Settings } from "../protocol/settings.js";
export { DEFAULT_API_KEY_EXPIRATION } from "../protocol/types.js";
export { hostOf, isLoopback, REACH_TITLES, reachOf, tlsProblem } from "../config/reach.js";
export { TlsSettings, type Reach } from "../protocol/reach.js";
export { dnsRules } from "../config/dns-settings.js";
export { DnsSettings, Nameserver } from "../protocol/dns.js";
export {
  bridgeUpOutcome,
  formatBytes,
  formatDuration,
  logLineText,
  logsAsText,
  relativeTime,
  tailnetSummary,
  tailscaleUpCommand,
} from "./present.js";
export { EXIT_ROUTES, exitNodeState, isExitRoute, pendingRoutes } from "../headscale/routes.js";
export { findAuthId } from "../headscale/registration.js";
export type { MethodName, ParamsOf, ResultOf } from "../protocol/methods.js";
export type { ConfigView, SettingsPatch } from "../protocol/settings.js";
export type {
  BridgeMapping,
  BridgeStatus,
  Check,
  Reachability,
  LogLine,
  MintResult,
  Node,
  Policy,
  PolicyVersion,
  PreAuthKey,
  Status,
  TailnetStatus,
  User,
} from "../protocol/types.js";
