/**
 * The helper-version handshake: a client that meets a helper of another build (after an update,
 * or a rebuild in a checkout) asks it to stop and starts its own, so the code answering is the
 * code the client was shipped with. Never in the middle of a change or a bridge transfer: the
 * helper says when it is busy, and the client waits a while, then makes do with the old one.
 */
import { resolve } from "node:path";
import { waitForExit } from "../os/process-info.js";
import { ErrorCode } from "../protocol/errors.js";
import { buildOf } from "./build.js";
import {
  HelperError,
  HelperTimeoutError,
  HelperUnavailableError,
  LIFECYCLE_TIMEOUT_MS,
  type HelperClient,
} from "./helper-client.js";

/** Long enough for a settings change that restarts Headscale; short enough to wait on in a command. */
export const HANDOVER_WAIT_MS = 30_000;
const POLL_MS = 250;

export interface HandoverOptions {
  /** How long to wait for a busy helper of another build; HANDOVER_WAIT_MS by default. */
  busyWaitMs?: number;
  /**
   * One line for the person: "waiting" when the helper of another build is busy, then "kept" if it
   * stays busy and this call uses it as it is. By default written to stderr (the CLI's way).
   */
  onNotice?: (line: string, kind: "waiting" | "kept") => void;
}

/**
 * Replaces the helper behind `client` when it is of another build than `entry`, and returns, once
 * it has exited, the state its Headscale was in (the caller starts its own helper and puts
 * Headscale back in that state); false when it is kept, `client` still open.
 */
export async function replaceIfOtherBuild(
  client: HelperClient,
  entry: string,
  options: HandoverOptions = {},
): Promise<false | { headscale: string }> {
  const ours = await buildOf(entry).catch(() => undefined);
  const status = await client.call("status").catch((error: unknown) => {
    // A helper that does not answer at all is not one to ask again: the caller's call would wait as long.
    if (error instanceof HelperTimeoutError) throw error;
    return undefined; // an older helper whose status this client cannot read
  });
  // A client that cannot read its own entry has nothing better to start; a helper inside another
  // program (build null: tests) is not ours to stop.
  if (!ours || !status || status.helper.build === null || status.helper.build === ours) return false;
  // Another install's helper (a checkout's CLI meeting Raycast's, say) is left alone: else each
  // would replace the other's on every use. An update replaces the file at the same path.
  if (status.helper.entry && resolve(status.helper.entry) !== resolve(entry)) return false;
  const theirs = `${status.helper.version}, build ${status.helper.build ?? "unknown"}`;
  const notice = options.onNotice ?? ((line) => process.stderr.write(`headscale-remote: ${line}\n`));

  const deadline = Date.now() + (options.busyWaitMs ?? HANDOVER_WAIT_MS);
  let waiting = false;
  for (;;) {
    const busy = await askToStop(client, ours).catch((error: unknown) => {
      // Gone meanwhile (another client of ours asked first): as good as stopping.
      if (client.isOpen) throw error;
      return null;
    });
    if (busy === null) break;
    if (Date.now() >= deadline) {
      notice(`using the running helper (${theirs}) for now, not build ${ours}: it stayed busy with ${busy}`, "kept");
      return false;
    }
    if (!waiting) {
      notice(
        `the running helper (${theirs}) is busy with ${busy}: waiting to replace it with build ${ours}`,
        "waiting",
      );
    }
    waiting = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  client.close();
  // It answers first, then stops the bridge and Headscale (with its grace) and frees the home.
  if (!(await waitForExit(status.helper.pid, LIFECYCLE_TIMEOUT_MS))) {
    throw new HelperUnavailableError(
      client.socketPath,
      `the helper of another build (pid ${status.helper.pid}) was asked to stop and has not exited`,
    );
  }
  return { headscale: status.headscale.state };
}

/** null once the helper is stopping; otherwise what it is busy with. */
async function askToStop(client: HelperClient, ours: string): Promise<string | null> {
  try {
    return (await client.call("helper.shutdownIfIdle", { forBuild: ours })).busy;
  } catch (error) {
    if (!(error instanceof HelperError && error.code === ErrorCode.MethodNotFound)) throw error;
  }
  // A helper from before the handshake knows no config change in flight, only its bridge's connections.
  const bridge = await client.call("bridge.status").catch(() => undefined);
  const open = bridge?.mappings.reduce((sum, mapping) => sum + mapping.active, 0) ?? 0;
  if (open > 0) return `${open} bridge connection${open === 1 ? "" : "s"} open`;
  await client.call("helper.shutdown");
  return null;
}
