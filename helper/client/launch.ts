/**
 * Finding the helper for a home, and starting it detached when nobody answers, so it
 * outlives the short-lived command (CLI or Raycast) that needed it.
 */
import { closeSync } from "node:fs";
import { readFile, statfs } from "node:fs/promises";
import { tmpdir } from "node:os";
import { spawn } from "node:child_process";
import { storageProblem } from "../util/storage-errors.js";
import { homePaths, resolveHome } from "../home/paths.js";
import { lockHolder } from "../home/lock.js";
import { checkHome } from "../home/home-dir.js";
import { ensureHomeFolder, openPrivateSync } from "../home/secure-fs.js";
import { HELPER_ENV, HELPER_NODE_FLAGS, helperEntry } from "../project.js";
import { HelperClient, HelperStartError, HelperUnavailableError, LIFECYCLE_TIMEOUT_MS } from "./helper-client.js";
import { replaceIfOtherBuild, type HandoverOptions } from "./handover.js";

export function helperSocketPath(home?: string): string {
  return homePaths(resolveHome(home), tmpdir()).helperSocket;
}

export interface EnsureOptions extends HandoverOptions {
  home?: string;
  /** The helper's entry, run as `node <entry>`; defaults to this package's (see helperEntry). */
  entryPath?: string;
  nodePath?: string;
  waitMs?: number;
}

/**
 * A connected client, starting a detached helper first if none is running, or if the one running
 * is of another build than `entryPath` and agrees to stop (see replaceIfOtherBuild).
 */
export async function ensureHelper(options: EnsureOptions = {}): Promise<HelperClient> {
  const home = resolveHome(options.home);
  const socket = helperSocketPath(home);
  const entry = options.entryPath ?? helperEntry();
  const running = await HelperClient.connect(socket).catch((error: unknown) => {
    if (error instanceof HelperUnavailableError) return undefined;
    throw error;
  });
  const replaced = running ? await replaceIfOtherBuild(running, entry, options).catch(closeAndThrow(running)) : false;
  if (running && !replaced) return running;
  const client = await launch(home, socket, entry, options);
  // The new helper follows its autoStart setting: put Headscale back as the old one had it.
  if (replaced && replaced.headscale === "running")
    await client.call("headscale.start", undefined, { timeoutMs: LIFECYCLE_TIMEOUT_MS });
  if (replaced && replaced.headscale === "stopped")
    await client.call("headscale.stop", undefined, { timeoutMs: LIFECYCLE_TIMEOUT_MS });
  return client;
}

/** Starts a detached helper and connects to it (or to another launch's, if that one won the home). */
async function launch(home: string, socket: string, entry: string, options: EnsureOptions): Promise<HelperClient> {
  // Its stderr goes to a file, not a pipe: the helper outlives us, and if it cannot start
  // (a broken settings.json, say) the file is where its reason is.
  const paths = homePaths(home, tmpdir());
  let stderr: number;
  try {
    await checkHome(paths); // write nothing into a folder that is not a home
    await ensureHomeFolder(paths.logDir);
    stderr = openPrivateSync(paths.helperStderr, { truncate: true }); // never through a planted link
  } catch (error) {
    const problem = storageProblem(error);
    throw problem ? new HelperStartError(socket, problem, { cause: error }) : error;
  }
  // node's spawn, not execa: only it hands a raw fd to a child that outlives us.
  const child = spawn(options.nodePath ?? process.execPath, [...HELPER_NODE_FLAGS, entry], {
    env: { ...process.env, ...HELPER_ENV, HEADSCALE_REMOTE_HOME: home },
    detached: true,
    stdio: ["ignore", "ignore", stderr],
  });
  child.unref();
  closeSync(stderr);
  let exited = false;
  let exitCode: number | null = null;
  child.once("exit", (code) => {
    exited = true;
    exitCode = code;
  });
  child.once("error", () => (exited = true));
  // Another launch's helper may answer first, ours still starting: ours would then take the home's
  // lock once that one stops, and start Headscale again after a shutdown. Only the answering one stays.
  const onlyTheAnswering = async (client: HelperClient) => {
    if (!exited && child.pid !== undefined) {
      const answering = await client.call("status").then(
        (status) => status.helper.pid,
        () => undefined,
      );
      if (answering !== undefined && answering !== child.pid) child.kill("SIGTERM");
    }
    return client;
  };
  const deadline = Date.now() + (options.waitMs ?? 20_000);
  for (;;) {
    try {
      return await onlyTheAnswering(await HelperClient.connect(socket));
    } catch {
      // Ours may have exited because it lost the home's lock to another launch (Raycast's menu
      // bar and a command starting together): then wait for the winner's socket instead.
      const waitOn = !exited || (await lockHolder(paths.helperLock)) !== undefined;
      if (!waitOn || Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return HelperClient.connect(socket).then(onlyTheAnswering, async () => {
    const said = (await readFile(paths.helperStderr, "utf8").catch(() => "")).trim().split("\n").pop();
    // A full disk takes the helper's own last words with it: the disk then says why.
    const full = said ? undefined : await diskFull(home);
    const reason = said
      ? said.replace(/^headscale-remote(?: helper)?: /, "")
      : full
        ? `${home} cannot be written: no space left on the disk`
        : exited
          ? `it exited (code ${exitCode}) before answering; see ${paths.logFile}`
          : `it did not answer within ${(options.waitMs ?? 20_000) / 1000} s; see ${paths.logFile}`;
    throw new HelperStartError(socket, reason);
  });
}

/** Whether the disk holding `dir` has no space left for this user. */
async function diskFull(dir: string): Promise<boolean> {
  const info = await statfs(dir).catch(() => undefined);
  return info !== undefined && info.bavail === 0;
}

const closeAndThrow = (client: HelperClient) => (error: unknown) => {
  client.close();
  throw error;
};
