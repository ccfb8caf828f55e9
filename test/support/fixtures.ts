/** Shared set-up for suites that run the real helper and the real Headscale. */
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

export { createFakeNodes } from "./fake-nodes.js";
