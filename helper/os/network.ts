/** This computer's own addresses, as the reach settings and checks need them. */
import { networkInterfaces } from "node:os";

/** Every address of every interface, loopback included. */
export function localAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .map((info) => info!.address);
}

/**
 * Non-loopback IPv4 addresses, best first: private LAN ranges before others (a VPN's or a
 * tailnet's CGNAT range last), as the address a device on the same network would use.
 */
export function lanAddresses(): string[] {
  const rank = (ip: string) =>
    /^(192\.168\.|10\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip)
      ? 0
      : /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./.test(ip)
        ? 2
        : 1;
  const v4 = Object.values(networkInterfaces())
    .flat()
    .filter((info) => info && info.family === "IPv4" && !info.internal)
    .map((info) => info!.address);
  return v4.sort((a, b) => rank(a) - rank(b));
}
