/** RPC handlers for the ACL policy: params in, PolicyService, result out. */
import type { Handlers } from "../rpc-server.js";
import type { HandlerDeps } from "./deps.js";

export type PolicyMethods = "policy.get" | "policy.check" | "policy.set" | "policy.history" | "policy.rollback";

export function policyHandlers({ policy, viaHeadscale }: HandlerDeps): Pick<Handlers, PolicyMethods> {
  return {
    "policy.get": viaHeadscale(() => policy.current()),
    "policy.check": viaHeadscale(async ({ policy: text }) => {
      await policy.check(text);
      return { ok: true as const };
    }),
    "policy.set": viaHeadscale(({ policy: text }) => policy.apply(text)),
    // The history is the helper's own: it needs no Headscale.
    "policy.history": () => policy.versions(),
    "policy.rollback": viaHeadscale((params) => policy.rollback(params?.version)),
  };
}
