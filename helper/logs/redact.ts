/**
 * Removes anything that looks like a credential from a line before it is stored or sent.
 * Headscale prints keys in a few forms; we also catch bearer tokens and the 48-hex legacy
 * pre-auth keys, at the price of redacting an occasional harmless hex string.
 */
const PATTERNS: [RegExp, string][] = [
  [/hskey-(api|auth|authreq)-[A-Za-z0-9_-]+/g, "hskey-$1-[REDACTED]"],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, "$1[REDACTED]"],
  [/((?:auth[-_]?key|api[-_]?key|preauthkey|password)["']?\s*[=:]\s*["']?)[^\s"',}]+/gi, "$1[REDACTED]"],
  [/\b[0-9a-f]{48}\b/g, "[REDACTED]"],
  [/\b[A-Za-z0-9_-]{7}\.[A-Za-z0-9_-]{32,}\b/g, "[REDACTED]"],
];

export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
