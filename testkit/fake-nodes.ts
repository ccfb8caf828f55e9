import { randomBytes } from "node:crypto";

function authId(): string {
  return "hskey-authreq-" + randomBytes(18).toString("base64url");
}

/**
 * Registers `count` fake nodes for `user` through Headscale's debug API, as
 * `headscale debug create-node` + `headscale auth register` do, but without a process each.
 */
export async function createFakeNodes(
  baseUrl: string,
  apiKey: string,
  user: string,
  count: number,
  concurrency = 32,
  firstIndex = 0,
): Promise<void> {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(new URL(path, baseUrl), {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const key = authId();
      await post("/api/v1/debug/node", { user, key, name: `fake-${firstIndex + index}` });
      await post("/api/v1/auth/register", { user, authId: key });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
