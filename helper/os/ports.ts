import { createSocket } from "node:dgram";
import { connect, createServer } from "node:net";

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
      // macOS lets a wildcard bind share a port another program holds on loopback (SO_REUSEADDR):
      // a connection to it then says what binding cannot.
      const answered = () => answers(host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host, port);
      server.listen({ host, port, exclusive: true }, () =>
        server.close(async () => resolve((await answered()) ? "it is in use by another program" : undefined)),
      );
    } else {
      const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
      socket.once("error", (error) => resolve(why(error)));
      socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve(undefined)));
    }
  });
}

/** Whether something accepts a TCP connection on host:port within half a second. */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 500 });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}
