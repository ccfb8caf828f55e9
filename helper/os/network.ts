/** This computer's own addresses, as the reach settings and checks need them. */
import { createSocket } from "node:dgram";
import { networkInterfaces } from "node:os";

/** Every address of every interface, loopback included. */
export function localAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .map((info) => info!.address);
}

/** Interfaces of containers, VMs and VPNs: their addresses are not where a LAN device finds us. */
const VIRTUAL = /^(docker|br-|veth|virbr|vmnet|vboxnet|bridge|utun|tun|tap|wg|tailscale|zt)/;

/**
 * This computer's IPv4 addresses on a network, best first: the one the default route leaves
 * from, then those of physical interfaces, then the rest. No link-local (169.254/16) addresses.
 */
export async function lanAddresses(): Promise<string[]> {
  const candidates = Object.entries(networkInterfaces()).flatMap(([name, infos]) =>
    (infos ?? [])
      .filter((info) => info.family === "IPv4" && !info.internal && !info.address.startsWith("169.254."))
      .map((info) => ({ address: info.address, virtual: VIRTUAL.test(name) })),
  );
  const routed = await defaultRouteSource();
  const rank = (c: { address: string; virtual: boolean }) => (c.address === routed ? 0 : c.virtual ? 2 : 1);
  return candidates.sort((a, b) => rank(a) - rank(b)).map((c) => c.address);
}

/**
 * The address the default route leaves from: a UDP socket "connected" to a documentation address
 * picks it without sending anything. Undefined when there is no route.
 */
function defaultRouteSource(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    const done = (address?: string) => {
      socket.close();
      resolve(address);
    };
    socket.on("error", () => done());
    socket.connect(9, "192.0.2.1", () => {
      try {
        done(socket.address().address);
      } catch {
        done();
      }
    });
  });
}
