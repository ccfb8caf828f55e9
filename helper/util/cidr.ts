/**
 * Routes in CIDR form, checked the way Headscale 0.29 checks them, so a mistake is one clear
 * line. Pure: no I/O.
 */
import { isIP } from "node:net";

/** An address's bytes (4 or 16), or undefined when it is not one. */
function addressBytes(text: string): number[] | undefined {
  const family = isIP(text);
  if (family === 4) return text.split(".").map(Number);
  if (family !== 6) return undefined;
  let hex = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const [a, b, c, d] = v4.split(".").map(Number) as [number, number, number, number];
    hex = text.slice(0, -v4.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = hex.split("::") as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all =
    tail === undefined ? groups(head) : [...groups(head), ...Array<string>(missing).fill("0"), ...groups(tail)];
  return all.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

function formatAddress(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join(".");
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return new URL(`http://[${groups.join(":")}]`).hostname.slice(1, -1); // the URL parser compresses it
}

/**
 * What is wrong with a route, or undefined for a good one: an address and a prefix length that
 * fits it, with no bits set past that length ("192.0.2.0/24", "2001:db8::/32", "0.0.0.0/0").
 */
export function routeProblem(text: string): string | undefined {
  const slash = text.lastIndexOf("/");
  const bytes = slash < 0 ? undefined : addressBytes(text.slice(0, slash));
  const bits = text.slice(slash + 1);
  if (!bytes || !/^\d{1,3}$/.test(bits) || Number(bits) > bytes.length * 8) {
    return "a route in CIDR form, e.g. 192.0.2.0/24 or 2001:db8::/32";
  }
  const length = Number(bits);
  const network = bytes.map((byte, i) => byte & ((0xff << Math.max(0, Math.min(8, (i + 1) * 8 - length))) & 0xff));
  if (network.some((byte, i) => byte !== bytes[i])) {
    return `${text} has bits set past /${length}: the route is ${formatAddress(network)}/${length}`;
  }
  return undefined;
}
