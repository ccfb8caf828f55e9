/**
 * An echo service inside a namespace of the test topology, on its 127.0.0.1: what the bridge (or
 * `tailscale serve`) in HOST forwards tailnet connections to. A tiny Node child, since the test
 * process itself lives outside the topology. Echoes every byte; ends when the client ends.
 */
import { startInNamespace } from "./namespace-service.js";
import { cleanEnv, type Namespace } from "./netns.js";

export interface NamespaceEcho {
  port: number;
  /** Connections it accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

const PROGRAM = `
const server = require("node:net").createServer({ allowHalfOpen: true }, (socket) => {
  console.log("connection");
  socket.on("error", () => {});
  socket.pipe(socket);
});
server.listen(Number(process.env.PORT || 0), "127.0.0.1", () => console.log("port " + server.address().port));`;

export async function startNamespaceEcho(ns: Namespace, port = 0): Promise<NamespaceEcho> {
  const echo = startInNamespace(ns, `the echo service in ${ns.name}`, {
    file: process.execPath,
    args: ["-e", PROGRAM],
    env: cleanEnv({ PORT: String(port) }),
  });
  const listening = await echo.until(() => /port (\d+)/.exec(echo.output()), {
    what: `the echo service in ${ns.name} to listen`,
    timeoutMs: 10_000,
  });
  return {
    port: Number(listening[1]),
    connections: () =>
      echo
        .output()
        .split("\n")
        .filter((line) => line === "connection").length,
    stop: () => echo.stop(),
  };
}
