/** RPC handlers for the helper's log: a tail, and a follow subscription held by the connection. */
import type { Handlers } from "../rpc-server.js";
import type { HandlerDeps } from "./deps.js";

export type LogMethods = "logs.tail" | "logs.follow" | "logs.unfollow";

export function logHandlers({ logs }: HandlerDeps): Pick<Handlers, LogMethods> {
  return {
    "logs.tail": (params) => logs.tail(params?.lines ?? 100),
    "logs.follow": (_params, connection) => {
      connection.follow?.();
      connection.follow = logs.follow((line) => connection.notify("logs.line", line));
      return { ok: true as const };
    },
    "logs.unfollow": (_params, connection) => {
      connection.follow?.();
      connection.follow = undefined;
      return { ok: true as const };
    },
  };
}
