import { randomBytes } from "node:crypto";
import { headscaleChannel, unary } from "../helper/headscale/grpc/grpc-admin.js";

function authId(): string {
  return "hskey-authreq-" + randomBytes(18).toString("base64url");
}

/**
 * Registers `count` fake nodes for `user` on Headscale's gRPC socket, as `headscale debug
 * create-node` + `headscale auth register` do, but without a process (or a key check) each.
 */
export async function createFakeNodes(
  headscaleSocket: string,
  user: string,
  count: number,
  concurrency = 32,
  firstIndex = 0,
): Promise<void> {
  const channel = headscaleChannel(headscaleSocket);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const key = authId();
      await unary(
        channel,
        "DebugCreateNode",
        { user, key, name: `fake-${firstIndex + index}`, routes: [] },
        { timeoutMs: 60_000 },
      );
      await unary(channel, "AuthRegister", { user, authId: key }, { timeoutMs: 60_000 });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } finally {
    channel.close();
  }
}
