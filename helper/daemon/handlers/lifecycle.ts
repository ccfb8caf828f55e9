/** RPC handlers for the lifecycle: status, Headscale's start/stop/restart, and stopping the helper. */
import type { Handlers } from "../rpc-server.js";
import type { HandlerDeps } from "./deps.js";

export type LifecycleMethods =
  "status" | "headscale.start" | "headscale.stop" | "headscale.restart" | "helper.shutdown" | "helper.shutdownIfIdle";

export function lifecycleHandlers({ lifecycle, change }: HandlerDeps): Pick<Handlers, LifecycleMethods> {
  return {
    status: () => lifecycle.status(),
    "headscale.start": change("a Headscale start", () => lifecycle.startHeadscale()),
    "headscale.stop": change("a Headscale stop", () => lifecycle.stopHeadscale()),
    "headscale.restart": change("a Headscale restart", () => lifecycle.restartHeadscale()),
    "helper.shutdown": () => {
      lifecycle.shutdown();
      return { ok: true as const };
    },
    "helper.shutdownIfIdle": (params) => lifecycle.shutdownIfIdle(params?.forBuild),
  };
}
