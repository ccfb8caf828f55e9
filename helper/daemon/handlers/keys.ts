/** RPC handlers for API keys and pre-auth keys: params in, KeyService, result out. */
import type { Handlers } from "../rpc-server.js";
import type { HandlerDeps } from "./deps.js";

export type KeyMethods =
  | "apiKeys.create"
  | "apiKeys.list"
  | "apiKeys.expire"
  | "preAuthKeys.mint"
  | "preAuthKeys.create"
  | "preAuthKeys.list"
  | "preAuthKeys.expire";

export function keyHandlers({ keys, viaHeadscale }: HandlerDeps): Pick<Handlers, KeyMethods> {
  return {
    "apiKeys.create": viaHeadscale((params) => keys.createApiKey(params?.expiration)),
    "apiKeys.list": viaHeadscale(() => keys.listApiKeys()),
    "apiKeys.expire": viaHeadscale(async ({ prefix }) => {
      await keys.expireApiKey(prefix);
      return { ok: true as const };
    }),
    "preAuthKeys.mint": viaHeadscale((params) => keys.mint(params)),
    "preAuthKeys.create": viaHeadscale(({ user, reusable, ephemeral, tags, expiration }) =>
      keys.createPreAuthKey({ user, reusable, ephemeral, tags, expiration }),
    ),
    "preAuthKeys.list": viaHeadscale(() => keys.listPreAuthKeys()),
    "preAuthKeys.expire": viaHeadscale(async ({ id }) => {
      await keys.expirePreAuthKey(id);
      return { ok: true as const };
    }),
  };
}
