/** RPC handlers for the server's settings and reach: params in, ServerService, result out. */
import type { Handlers } from "../rpc-server.js";
import type { HandlerDeps } from "./deps.js";

export type ServerMethods = "config.get" | "config.set" | "server.reachability";

export function serverHandlers({ server, change }: HandlerDeps): Pick<Handlers, ServerMethods> {
  return {
    "config.get": () => server.view(),
    "server.reachability": () => server.reachability(),
    "config.set": change("a settings change", ({ patch }) => server.change(patch)),
  };
}
