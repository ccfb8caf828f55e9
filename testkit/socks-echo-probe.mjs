// Runs inside a namespace of the test topology (the test process cannot open a socket there):
// opens ONE connection through a tailscaled's SOCKS5 proxy, sends BYTES random bytes to an echo
// service, reads the same count back, then closes (tailscaled's SOCKS5 has no half-close). Prints
// one JSON line: {ok, sent, received (sha256), bytes, connectMs, totalMs} or {ok:false, error}.
// No retry: a first connection that fails is the finding. Arguments come from the environment:
// SOCKS_PORT, HOST, PORT, BYTES.
import { createHash, randomBytes } from "node:crypto";
import { SocksClient } from "socks";

const { SOCKS_PORT, HOST, PORT, BYTES } = process.env;
const bytes = Number(BYTES);
const began = performance.now();

async function main() {
  const { socket } = await SocksClient.createConnection({
    proxy: { host: "127.0.0.1", port: Number(SOCKS_PORT), type: 5 },
    command: "connect",
    destination: { host: HOST, port: Number(PORT) },
    timeout: 30_000,
  });
  const connectMs = performance.now() - began;
  const sent = createHash("sha256");
  const received = createHash("sha256");
  let have = 0;
  const done = new Promise((resolve, reject) => {
    socket.on("data", (chunk) => {
      received.update(chunk);
      have += chunk.length;
      if (have >= bytes) resolve(undefined);
    });
    socket.once("error", reject);
    socket.once("close", () =>
      have >= bytes ? resolve(undefined) : reject(new Error(`closed after ${have} of ${bytes} bytes`)),
    );
  });
  const chunk = 1 << 20;
  for (let n = 0; n < bytes; n += chunk) {
    const data = randomBytes(Math.min(chunk, bytes - n));
    sent.update(data);
    if (!socket.write(data)) await new Promise((resolve) => socket.once("drain", resolve));
  }
  await done;
  socket.destroy();
  return {
    ok: true,
    bytes,
    sent: sent.digest("hex"),
    received: received.digest("hex"),
    connectMs: Math.round(connectMs),
    totalMs: Math.round(performance.now() - began),
  };
}

main().then(
  (result) => console.log(JSON.stringify(result)),
  (error) =>
    console.log(
      JSON.stringify({ ok: false, error: String(error?.message ?? error), ms: Math.round(performance.now() - began) }),
    ),
);
