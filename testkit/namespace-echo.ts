/**
 * An echo service inside a namespace of the test topology, on its 127.0.0.1: what the bridge (or
 * `tailscale serve`) in HOST forwards tailnet connections to. A tiny Node child, since the test
 * process itself lives outside the topology. Echoes every byte; ends when the client ends.
 */
import type { ResultPromise } from "execa";
import { cleanEnv, type Namespace } from "./netns.js";
import { waitUntil } from "./wait.js";

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
  const child: ResultPromise = ns.spawn(process.execPath, ["-e", PROGRAM], {
    env: cleanEnv({ PORT: String(port) }),
    reject: false,
    buffer: false,
    stdin: "ignore",
  });
  let out = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => (out += chunk));
  let exited = false;
  void child.then(() => (exited = true));
  const listening = await waitUntil(
    () => {
      if (exited) throw new Error(`the echo service in ${ns.name} exited: ${out}`);
      return /port (\d+)/.exec(out);
    },
    { what: `the echo service in ${ns.name} to listen`, timeoutMs: 10_000 },
  );
  return {
    port: Number(listening[1]),
    connections: () => out.split("\n").filter((line) => line === "connection").length,
    async stop() {
      if (exited) return;
      child.kill("SIGTERM");
      await child;
    },
  };
}
