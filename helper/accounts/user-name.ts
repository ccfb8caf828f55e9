import { createHash } from "node:crypto";
import { BadInputError } from "../util/failure.js";

/** Every account's Headscale user starts with this, so ours never collide with hand-made ones. */
export const ACCOUNT_USER_PREFIX = "hr-";

/**
 * The Headscale user for an account identifier: deterministic, so asking twice (or from
 * another process) lands on the same user. 32 hex digits of SHA-256 keep it short, within
 * Headscale's name rules (a letter first, then letters, digits and '-') and collision-safe.
 */
export function accountUserName(account: string): string {
  if (account.length === 0) throw new BadInputError("account identifier is empty");
  return ACCOUNT_USER_PREFIX + createHash("sha256").update(account, "utf8").digest("hex").slice(0, 32);
}
