/**
 * What the bridge's tests and bench put behind a tailnet port, and how they reach it: local
 * echo and WebSocket services on loopback, and connections through a tailscaled's SOCKS5
 * proxy into the tailnet.
 */
import { createHash, randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { SocksClient } from "socks";
import { WebSocketServer } from "ws";

export interface LocalService {
  port: number;
  /** Sockets the service holds open now. */
  open: Set<Socket>;
  close(): Promise<void>;
}

function serve(server: Server, port = 0): Promise<LocalService> {
  const open = new Set<Socket>();
  server.on("connection", (socket) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      resolve({
        port: (server.address() as { port: number }).port,
        open,
        close: () =>
          new Promise((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Echoes every byte back; ends its side when the client ends its own (half-close aware). */
export function startEchoService(port?: number): Promise<LocalService> {
  return serve(
    createServer({ allowHalfOpen: true }, (socket) => {
      socket.on("error", () => {});
      socket.pipe(socket);
    }),
    port,
  );
}

/** A WebSocket echo on a plain HTTP server. */
export async function startWebSocketEcho(): Promise<LocalService> {
  const wss = new WebSocketServer({ noServer: true });
  wss.on("connection", (ws) => ws.on("message", (data, binary) => ws.send(data, { binary })));
  const http = (await import("node:http")).createServer();
  http.on("upgrade", (request, socket, head) =>
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws)),
  );
  const service = await serve(http as unknown as Server);
  return {
    ...service,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await service.close();
    },
  };
}

/** A TCP connection into the tailnet through a tailscaled's SOCKS5 proxy. */
export async function dialTailnet(socks5Port: number, host: string, port: number): Promise<Socket> {
  const { socket } = await SocksClient.createConnection({
    proxy: { host: "127.0.0.1", port: socks5Port, type: 5 },
    command: "connect",
    destination: { host, port },
    timeout: 30_000,
  });
  return socket;
}

/**
 * Sends `bytes` of random data through an echo and reads the same count back, hashing both
 * sides. tailscaled's SOCKS5 proxy has no half-close, so the count, not an end, says "done".
 */
export async function echoTransfer(socket: Socket, bytes: number): Promise<{ sent: string; received: string }> {
  const sentHash = createHash("sha256");
  const receivedHash = createHash("sha256");
  let received = 0;
  const done = new Promise<void>((resolve, reject) => {
    socket.on("data", (chunk: Buffer) => {
      receivedHash.update(chunk);
      received += chunk.length;
      if (received >= bytes) resolve();
    });
    socket.once("error", reject);
    socket.once("close", () =>
      received >= bytes ? resolve() : reject(new Error(`closed after ${received} of ${bytes} bytes`)),
    );
  });
  const chunk = 1 << 20;
  for (let sent = 0; sent < bytes; sent += chunk) {
    const data = randomBytes(Math.min(chunk, bytes - sent));
    sentHash.update(data);
    if (!socket.write(data)) await new Promise((resolve) => socket.once("drain", resolve));
  }
  await done;
  return { sent: sentHash.digest("hex"), received: receivedHash.digest("hex") };
}

/** Reads exactly n bytes (or fails if the socket ends first). */
export function readBytes(socket: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let have = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      have += chunk.length;
      if (have >= n) {
        socket.off("data", onData);
        resolve(Buffer.concat(chunks).subarray(0, n));
      }
    };
    socket.on("data", onData);
    socket.once("error", reject);
    socket.once("close", () => have < n && reject(new Error(`closed after ${have} of ${n} bytes`)));
  });
}

/** Open file descriptors of a process (Linux). */
export async function openFds(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}
