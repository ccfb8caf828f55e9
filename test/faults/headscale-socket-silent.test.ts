import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toRpcError } from "../../helper/daemon/errors.js";
import { GrpcAdmin } from "../../helper/headscale/grpc/grpc-admin.js";
import { ErrorCode } from "../../helper/protocol/errors.js";

// What a client sees when Headscale's socket is not there or does not serve: the reason, in one
// line that survives redaction, and the code that says "not running". Real gRPC, real sockets.
describe("the admin client when Headscale's socket does not answer", () => {
  let dir: string;
  beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), "hsr-grpc-"))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const failure = async (socket: string, call: (admin: GrpcAdmin) => Promise<unknown>, timeoutMs = 5000) => {
    const admin = new GrpcAdmin(() => socket, timeoutMs);
    try {
      return toRpcError(
        await call(admin).then(
          () => expect.fail("it answered"),
          (error: unknown) => error,
        ),
      );
    } finally {
      admin.close();
    }
  };

  it("says the socket does not exist", async () => {
    const socket = join(dir, "missing.sock");
    expect(await failure(socket, (admin) => admin.listPreAuthKeys())).toEqual({
      code: ErrorCode.Unavailable,
      message: `Headscale did not answer ListPreAuthKeys (its socket ${socket} does not exist: is it running?)`,
    });
  });

  it("says the connection was refused", async () => {
    const socket = join(dir, "plain-file.sock"); // a file nobody listens on
    await writeFile(socket, "");
    expect(await failure(socket, (admin) => admin.listNodes())).toEqual({
      code: ErrorCode.Unavailable,
      message: `Headscale did not answer ListNodes (connection refused on ${socket}: is it running?)`,
    });
  });

  it("says Headscale closed the connection", async () => {
    const socket = join(dir, "closing.sock");
    const server: Server = createServer((connection) => connection.destroy()).listen(socket);
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const error = await failure(socket, (admin) =>
        admin.createPreAuthKey({ userId: "1", expiration: new Date(), reusable: false, ephemeral: false }),
      );
      expect(error).toEqual({
        code: ErrorCode.Unavailable,
        message: "Headscale did not answer CreatePreAuthKey (it closed the connection: did it exit?)",
      });
    } finally {
      server.close();
    }
  });

  it("gives up on a socket that accepts and never answers, at its deadline", async () => {
    const socket = join(dir, "silent.sock");
    const server: Server = createServer(() => {}).listen(socket);
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      expect(await failure(socket, (admin) => admin.listUsers(), 500)).toEqual({
        code: ErrorCode.Unavailable,
        message: "Headscale did not answer ListUsers (no answer within 0.5 s)",
      });
    } finally {
      server.close();
    }
  });
});
