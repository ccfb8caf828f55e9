/**
 * What kind of failure Headscale's gRPC answer is, decided once, here, where it is read: everything
 * above goes by the kind, never by Headscale's words.
 */
import { status } from "@grpc/grpc-js";
import type { ErrorKind } from "../../util/failure.js";
import type { HeadscaleMethod } from "./headscale-api.generated.js";

/** What each gRPC status code means to the helper; any other is a plain failure. */
const KIND = new Map<status, ErrorKind>([
  [status.NOT_FOUND, "not-found"],
  [status.INVALID_ARGUMENT, "bad-input"],
  [status.FAILED_PRECONDITION, "bad-input"],
  [status.OUT_OF_RANGE, "bad-input"],
  [status.ALREADY_EXISTS, "conflict"],
  [status.UNAUTHENTICATED, "denied"],
  [status.PERMISSION_DENIED, "denied"],
  [status.UNAVAILABLE, "unavailable"],
  [status.DEADLINE_EXCEEDED, "unavailable"],
  [status.CANCELLED, "unavailable"],
]);

/**
 * The calls that name one thing (a node, a user, a key, the policy). Headscale 0.29 often says that
 * thing is missing only in words ("node not found", "record not found", "acl policy not found",
 * "no longer exists") under another code: for these calls, those words mean not found. Not for
 * CheckPolicy or SetPolicy, whose refusals are about the policy's contents ("user … not found").
 */
const NAMES_ONE_THING = new Set<HeadscaleMethod>([
  "GetNode",
  "RenameNode",
  "ExpireNode",
  "DeleteNode",
  "SetApprovedRoutes",
  "SetTags",
  "AuthRegister",
  "ListNodes", // of one user
  "RenameUser",
  "DeleteUser",
  "ExpireApiKey",
  "ExpirePreAuthKey",
  "GetPolicy",
]);

const SAYS_NOT_FOUND = /not found|no longer exists|does not exist/i;

export function headscaleErrorKind(method: HeadscaleMethod, code: status, details: string): ErrorKind {
  const kind = KIND.get(code) ?? "failed";
  if (kind === "unavailable" || kind === "not-found") return kind;
  return NAMES_ONE_THING.has(method) && SAYS_NOT_FOUND.test(details) ? "not-found" : kind;
}
