/* eslint-disable @typescript-eslint/no-explicit-any -- raw protocol frames are untyped on purpose */
/** The socket protocol under bad input: errors come back, the connection and the helper survive. */
import { createConnection, type Socket } from "node:net";
import { stat } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "../../helper/protocol/errors.js";
import { MAX_FRAME_BYTES } from "../../helper/protocol/methods.js";
import { HelperClient, HelperError } from "../../helper/client/helper-client.js";
import { removeHome, startTestHelper, type TestHelper } from "../support/fixtures.js";

let t: TestHelper;
beforeAll(async () => {
  t = await startTestHelper({ start: false });
});
afterAll(async () => {
  await t.close();
  await removeHome(t.home);
});

/** A raw connection that collects every frame the helper sends back. */
async function raw(): Promise<{ socket: Socket; next: () => Promise<any> }> {
  const socket = createConnection(t.helper.paths.helperSocket);
  await new Promise((resolve) => socket.once("connect", resolve));
  const frames: any[] = [];
  const waiters: ((frame: any) => void)[] = [];
  let buffer = "";
  socket.on("data", (chunk) => {
    buffer += chunk;
    let at;
    while ((at = buffer.indexOf("\n")) >= 0) {
      const frame = JSON.parse(buffer.slice(0, at));
      buffer = buffer.slice(at + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(frame);
      else frames.push(frame);
    }
  });
  return {
    socket,
    next: () => (frames.length ? Promise.resolve(frames.shift()) : new Promise((resolve) => waiters.push(resolve))),
  };
}

describe("JSON-RPC over the socket", () => {
  it("answers a well-formed call", async () => {
    const { socket, next } = await raw();
    socket.write(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "status" }) + "\n");
    const answer = await next();
    expect(answer.id).toBe(1);
    expect(answer.result.headscale.state).toBe("stopped");
    socket.destroy();
  });

  it("keeps one connection going through bad JSON, unknown methods, wrong params and a huge frame", async () => {
    const { socket, next } = await raw();
    socket.write("{not json\n");
    expect((await next()).error.code).toBe(ErrorCode.ParseError);

    socket.write(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "no.such.method" }) + "\n");
    expect(await next()).toMatchObject({ id: 2, error: { code: ErrorCode.MethodNotFound } });

    socket.write(
      JSON.stringify({ jsonrpc: "2.0", id: 3, method: "nodes.rename", params: { id: "abc", name: 7 } }) + "\n",
    );
    const wrong = await next();
    expect(wrong).toMatchObject({ id: 3, error: { code: ErrorCode.InvalidParams } });
    expect(wrong.error.message).toMatch(/id/);

    socket.write(JSON.stringify({ jsonrpc: "2.0", id: 4, method: "logs.tail", params: { lines: "many" } }) + "\n");
    expect(await next()).toMatchObject({ id: 4, error: { code: ErrorCode.InvalidParams } });

    socket.write(
      JSON.stringify({ jsonrpc: "2.0", id: 5, method: "status", params: { x: "y".repeat(MAX_FRAME_BYTES + 10) } }) +
        "\n",
    );
    expect(await next()).toMatchObject({ id: null, error: { code: ErrorCode.InvalidRequest } });

    socket.write(JSON.stringify({ jsonrpc: "1.0", id: 6 }) + "\n");
    expect((await next()).error.code).toBe(ErrorCode.InvalidRequest);

    socket.write(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "status" }) + "\n");
    expect((await next()).result.headscale.state).toBe("stopped");
    socket.destroy();
  });

  it("answers batches and stays silent on notifications", async () => {
    const { socket, next } = await raw();
    socket.write(
      JSON.stringify([
        { jsonrpc: "2.0", method: "status" },
        { jsonrpc: "2.0", id: "b", method: "logs.tail", params: { lines: 1 } },
      ]) + "\n",
    );
    const batch = await next();
    expect(batch).toHaveLength(1);
    expect(batch[0].id).toBe("b");
    socket.destroy();
  });

  it("survives random bytes and half-sent frames, and still serves others", async () => {
    const { socket, next } = await raw();
    socket.write(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    socket.write('{"jsonrpc":"2.0","id":9,"method":"sta');
    // The helper read the garbage: its lines are answered as unparsable, not choked on.
    expect(await next()).toMatchObject({ id: null, error: { code: ErrorCode.ParseError } });
    socket.destroy();
    const client = await HelperClient.connect(t.helper.paths.helperSocket);
    const status = await client.call("status");
    // A whole answer from this same helper, and a true one: its home and socket, and no Headscale running.
    expect(status.helper).toMatchObject({ pid: process.pid, home: t.home, socket: t.helper.paths.helperSocket });
    expect(status.headscale).toMatchObject({ state: "stopped", pid: null, restarts: 0, lastError: null });
    expect(t.helper.supervisor).toMatchObject({ state: "stopped", pid: null });
    // And it still does real work for the other client, not just status.
    expect((await client.call("config.get")).configPath).toBe(t.helper.paths.headscaleConfig);
    client.close();
  });

  it("delivers answers larger than the 1 MiB request cap (a big tailnet's node list)", async () => {
    const long = "x".repeat(2000);
    for (let i = 0; i < 1000; i++) t.helper.logs.append("helper", `${i} ${long}`);
    const lines = await t.client.call("logs.tail", { lines: 1000 });
    expect(JSON.stringify(lines).length).toBeGreaterThan(MAX_FRAME_BYTES);
    expect(lines).toHaveLength(1000);
    expect(lines.at(-1)!.text).toBe(`999 ${long}`);
  });

  it("reports Headscale-dependent calls clearly while Headscale is stopped", async () => {
    const error = await t.client.call("nodes.list").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HelperError);
    expect((error as HelperError).code).toBe(ErrorCode.Unavailable);
    expect((error as HelperError).message).toMatch(/Headscale is not running \(stopped\)/);
  });

  it("keeps its socket private", async () => {
    expect((await stat(t.helper.paths.helperSocket)).mode & 0o777).toBe(0o600);
    expect((await stat(t.home)).mode & 0o777).toBe(0o700);
  });
});
