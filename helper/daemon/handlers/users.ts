/** RPC handlers for users: params in, UserService, result out. */
import type { Handlers } from "../rpc-server.js";
import type { HandlerDeps } from "./deps.js";

export type UserMethods = "users.list" | "users.create" | "users.rename" | "users.delete";

export function userHandlers({ users, viaHeadscale }: HandlerDeps): Pick<Handlers, UserMethods> {
  return {
    "users.list": viaHeadscale(() => users.list()),
    "users.create": viaHeadscale(({ name }) => users.create(name)),
    "users.rename": viaHeadscale(({ name, newName }) => users.rename(name, newName)),
    "users.delete": viaHeadscale(async ({ name, force }) => ({
      ok: true as const,
      deletedNodes: await users.delete(name, force),
    })),
  };
}
