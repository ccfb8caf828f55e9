/** JSON-RPC error codes: the standard ones plus ours (-32000…-32099 is the server range). */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  Internal: -32603,
  HeadscaleNotRunning: -32000,
  HeadscaleFailed: -32001,
  ConfigRejected: -32002,
  NotFound: -32003,
  /** A file of the helper's own state cannot be read; it is left as it is for the user. */
  StateDamaged: -32004,
  /** The tailnet bridge cannot work in this helper (no native addon) or refused the request. */
  BridgeUnavailable: -32005,
} as const;
