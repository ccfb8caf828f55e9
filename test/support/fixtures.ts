/** Shared set-up for suites that run the real helper and the real Headscale. */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { HelperClient } from "../../helper/client/helper-client.js";
import { startHelper, type RunningHelper } from "../../helper/daemon/helper.js";
import { findHeadscale, projectRoot } from "../../helper/headscale/binary.js";

export async function tempHome(): Promise<string> {
  // Short names: socket paths must fit in 104 bytes.
  return mkdtemp(join(tmpdir(), "hr-"));
}

export async function removeHome(home: string): Promise<void> {
  await rm(home, { recursive: true, force: true });
}

export interface TestHelper {
  home: string;
  helper: RunningHelper;
  client: HelperClient;
  close(): Promise<void>;
}

/** A real helper in this process, with Headscale started (unless told not to) and a connected client. */
export async function startTestHelper(options: { home?: string; start?: boolean } = {}): Promise<TestHelper> {
  const home = options.home ?? (await tempHome());
  const helper = await startHelper({ home, autoStart: options.start ?? true });
  await helper.autoStarted;
  const client = await HelperClient.connect(helper.paths.helperSocket);
  return {
    home,
    helper,
    client,
    async close() {
      client.close();
      await helper.close();
    },
  };
}

export const headscaleBinary = () => findHeadscale(undefined);

export async function cliPath(): Promise<string> {
  return join((await projectRoot())!, "dist", "helper", "cli", "main.js");
}

/** Runs the built CLI against a home, never throwing on a non-zero exit. */
export async function runCli(home: string, args: string[]) {
  return execa(process.execPath, [await cliPath(), "--home", home, ...args], { reject: false, timeout: 120_000 });
}

function authId(): string {
  return "hskey-authreq-" + randomBytes(18).toString("base64url");
}

/**
 * Registers `count` fake nodes for `user` through Headscale's debug API, as
 * `headscale debug create-node` + `headscale auth register` do, but without a process each.
 */
export async function createFakeNodes(baseUrl: string, apiKey: string, user: string, count: number, concurrency = 16): Promise<void> {
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
      await post("/api/v1/debug/node", { user, key, name: `fake-${index}` });
      await post("/api/v1/auth/register", { user, authId: key });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
