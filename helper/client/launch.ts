/**
 * Finding the helper for a home, and starting it detached when nobody answers, so it
 * outlives the short-lived command (CLI or Raycast) that needed it.
 */
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { defaultHome, homePaths } from "../home/paths.js";
import { projectRoot } from "../headscale/binary.js";
import { HelperClient, HelperUnavailableError } from "./helper-client.js";

export function resolveHome(home?: string, env = process.env): string {
  return home || defaultHome(process.platform, env, homedir());
}

export function helperSocketPath(home?: string): string {
  return homePaths(resolveHome(home), tmpdir()).helperSocket;
}

export interface EnsureOptions {
  home?: string;
  /** The CLI entry to run as `node <cli> helper`; defaults to this package's built one. */
  cliPath?: string;
  nodePath?: string;
  waitMs?: number;
}

/** A connected client, starting a detached helper first if none is running. */
export async function ensureHelper(options: EnsureOptions = {}): Promise<HelperClient> {
  const home = resolveHome(options.home);
  const socket = helperSocketPath(home);
  try {
    return await HelperClient.connect(socket);
  } catch (error) {
    if (!(error instanceof HelperUnavailableError)) throw error;
  }
  const cli = options.cliPath ?? join((await projectRoot()) ?? ".", "dist", "helper", "cli", "main.js");
  const child = execa(options.nodePath ?? process.execPath, [cli, "helper"], {
    env: { ...process.env, HEADSCALE_REMOTE_HOME: home },
    detached: true,
    stdio: "ignore",
    cleanup: false,
    reject: false,
  });
  child.unref();
  let exited = false;
  void child.then(() => (exited = true));
  const deadline = Date.now() + (options.waitMs ?? 20_000);
  while (Date.now() < deadline && !exited) {
    try {
      return await HelperClient.connect(socket);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  // One last try: a helper that lost the race for the home lock exits, but the winner answers.
  return HelperClient.connect(socket).catch(() => {
    throw new HelperUnavailableError(socket, `the helper did not come up; see ${join(home, "logs", "headscale.log")}`);
  });
}
