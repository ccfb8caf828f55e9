import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { toRpcError } from "../../helper/daemon/errors.js";
import { AdminClient } from "../../helper/headscale/admin-client.js";
import { ErrorCode } from "../../helper/protocol/schema.js";

// What a client sees when Headscale dies under a request: the reason, intact after redaction.
describe("the admin client when Headscale does not answer", () => {
  let server: Server | undefined;
  afterEach(() => void server?.close());

  const clientOn = (port: number) =>
    new AdminClient(() => `http://127.0.0.1:${port}`, { get: async () => "k", reject() {} });
  const listen = async (handler: Parameters<typeof createServer>[1]) => {
    server = createServer(handler).listen(0, "127.0.0.1");
    await new Promise((resolve) => server!.once("listening", resolve));
    return (server!.address() as AddressInfo).port;
  };

  it("says the connection was refused", async () => {
    const port = await listen(() => {});
    await new Promise((resolve) => server!.close(resolve));
    const error = toRpcError(
      await clientOn(port)
        .listPreAuthKeys()
        .catch((e: unknown) => e),
    );
    expect(error).toEqual({
      code: ErrorCode.HeadscaleNotRunning,
      message: "Headscale did not answer GET /api/v1/preauthkey (connection refused: is it running?)",
    });
  });

  it("says Headscale closed the connection", async () => {
    const port = await listen((request) => request.socket.destroy());
    const error = toRpcError(
      await clientOn(port)
        .createPreAuthKey({ userId: "1", expiration: new Date(), reusable: false, ephemeral: false })
        .catch((e: unknown) => e),
    );
    expect(error.message).toBe(
      "Headscale did not answer POST /api/v1/preauthkey (it closed the connection: did it exit?)",
    );
  });
});
