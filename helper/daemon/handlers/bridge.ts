/** RPC handlers for the tailnet bridge: params in, BridgeService, result out. */
import type { Handlers } from "../rpc-server.js";
import type { HandlerDeps } from "./deps.js";

export type BridgeMethods = "bridge.up" | "bridge.identity" | "bridge.down" | "bridge.status";

export function bridgeHandlers({ bridge, change }: HandlerDeps): Pick<Handlers, BridgeMethods> {
  return {
    "bridge.up": change("a bridge change", (params) => bridge.up(params)),
    "bridge.identity": change("a bridge change", (params) => bridge.identity(params)),
    "bridge.down": change("a bridge change", (params) => bridge.down(params?.tailnetPort)),
    "bridge.status": () => bridge.status(),
  };
}
