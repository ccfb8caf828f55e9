/**
 * Runs inside a namespace of the test topology (the test process cannot open a socket there),
 * built into dist/testkit: opens ONE connection through a tailscaled's SOCKS5 proxy, sends BYTES
 * random bytes to an echo service and reads the same count back (see echoTransfer), then closes.
 * Prints one JSON line: {ok, sent, received (sha256), bytes, connectMs, totalMs} or {ok:false,
 * error}. No retry: a first connection that fails is the finding. Arguments come from the
 * environment: SOCKS_PORT, HOST, PORT, BYTES.
 */
import { dialTailnet, echoTransfer } from "./local-services.js";

const { SOCKS_PORT, HOST, PORT, BYTES } = process.env;
const bytes = Number(BYTES);
const began = performance.now();

async function main() {
  const socket = await dialTailnet(Number(SOCKS_PORT), HOST!, Number(PORT));
  const connectMs = performance.now() - began;
  const { sent, received } = await echoTransfer(socket, bytes);
  socket.destroy();
  return {
    ok: true,
    bytes,
    sent,
    received,
    connectMs: Math.round(connectMs),
    totalMs: Math.round(performance.now() - began),
  };
}

main().then(
  (result) => console.log(JSON.stringify(result)),
  (error: Error) =>
    console.log(
      JSON.stringify({ ok: false, error: String(error?.message ?? error), ms: Math.round(performance.now() - began) }),
    ),
);
