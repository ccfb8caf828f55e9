/**
 * Headscale Remote's client library: talk to the helper from any local Node program,
 * for example a media server minting tailnet keys for its own clients at login:
 *
 *   const client = await ensureHelper();
 *   const { preAuthKey, coordinationUrl } = await client.call("preAuthKeys.mint", { deviceId });
 */
export { HelperClient, HelperError, HelperTimeoutError, HelperUnavailableError, callHelper } from "./helper-client.js";
export type { CallOptions } from "./helper-client.js";
export { ensureHelper, helperSocketPath, resolveHome } from "./launch.js";
export { ErrorCode, methods } from "../protocol/schema.js";
export type {
  LogLine,
  MethodName,
  MintResult,
  Node,
  ParamsOf,
  ResultOf,
  Settings,
  Status,
} from "../protocol/schema.js";
