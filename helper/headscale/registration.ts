/**
 * A device that ran `tailscale up` without a key waits at <server>/register/<auth ID>, and
 * Headscale 0.29 registers it by that ID (AuthRegister). People paste either the whole URL
 * or the ID, often with the words around it: find the ID in whatever they paste. Pure.
 */

/** Headscale's AuthID: the prefix and 24 URL-safe characters (types.AuthIDLength = 38). */
const AUTH_ID = /hskey-authreq-[A-Za-z0-9_-]{24}(?![A-Za-z0-9_-])/;

/** The auth ID in a registration URL or a pasted line, or undefined when there is none. */
export function findAuthId(text: string): string | undefined {
  return AUTH_ID.exec(text)?.[0];
}
