/**
 * A helper that takes a request and never answers: the call ends with a plain "try again" line
 * that names no internal method, and the client forgets the call, so a late answer finds nothing.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { HelperClient, HelperTimeoutError } from "../../helper/client/helper-client.js";
import { ensureHelper } from "../../helper/client/launch.js";
import { encodeFrame, readFrames } from "../../helper/protocol/framing.js";

let dir: string;
let server: Server;
const held: { socket: Socket; id: number }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hr-stuck-"));
  server = createServer((socket) =>
    readFrames(socket, {
      onFrame: (text) => held.push({ socket, id: (JSON.parse(text) as { id: number }).id }),
      onOversize: () => socket.destroy(),
    }),
  );
  await new Promise<void>((resolve) => server.listen(join(dir, "helper.sock"), resolve));
});
afterAll(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

it("times a call out in one plain line and forgets it", async () => {
  const client = await HelperClient.connect(join(dir, "helper.sock"));
  try {
    const error = await client.call("nodes.list", undefined, { timeoutMs: 300 }).catch((e) => e);
    expect(error).toBeInstanceOf(HelperTimeoutError);
    expect(error.message).toBe("the helper did not answer within 0.3 s; it may be busy: try again");
    expect(error.method).toBe("nodes.list");
    // The late answer arrives: nothing waits for it any more.
    const { socket, id } = held.at(-1)!;
    socket.write(encodeFrame({ jsonrpc: "2.0", id, result: [] }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const pending = (client as unknown as { rpc: { idToResolveMap: Map<unknown, unknown> } }).rpc.idToResolveMap;
    expect(pending.size).toBe(0);
  } finally {
    client.close();
  }
});

it("a command meeting it waits for one call, not one per step of connecting", async () => {
  const before = held.length;
  // ensureHelper asks the helper's build first (to replace an older one): that call times out
  // and is the answer, where it used to be swallowed and the command's own call waited again.
  const error = await ensureHelper({ home: dir }).catch((e) => e);
  expect(error).toBeInstanceOf(HelperTimeoutError);
  expect(held.slice(before)).toHaveLength(1);
}, 60_000);
