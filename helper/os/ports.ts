import { createSocket } from "node:dgram";
import { createServer } from "node:net";

/** A TCP port that was free on `host` a moment ago. */
export function freeTcpPort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function freeUdpPort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.once("error", reject);
    socket.bind(0, host, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/**
 * Why nothing else could listen on `address` ("host:port", TCP or UDP) right now, or undefined
 * when it could: "in use by another program", "needs privileges", or the system's own words.
 */
export function listenProblem(address: string, protocol: "tcp" | "udp"): Promise<string | undefined> {
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  const port = Number(address.slice(colon + 1));
  const why = (error: NodeJS.ErrnoException) =>
    error.code === "EADDRINUSE"
      ? "it is in use by another program"
      : error.code === "EACCES"
        ? "listening there needs privileges this user does not have"
        : error.code === "EADDRNOTAVAIL"
          ? "no interface of this computer has that address"
          : error.message;
  return new Promise((resolve) => {
    if (protocol === "tcp") {
      const server = createServer();
      server.once("error", (error) => resolve(why(error)));
      server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
    } else {
      const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
      socket.once("error", (error) => resolve(why(error)));
      socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve(undefined)));
    }
  });
}
