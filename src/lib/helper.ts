/**
 * The Raycast side of the helper's socket. Commands only make short, timeout-bounded
 * calls; the one process they ever start is a detached helper, which outlives them.
 */
import { environment, getPreferenceValues, launchCommand, LaunchType } from "@raycast/api";
import { join } from "node:path";
import {
  callHelper,
  ensureHelper,
  HelperClient,
  helperSocketPath,
  HelperUnavailableError,
} from "../../helper/client/index.js";
import type { MethodName, ParamsOf, ResultOf } from "../../helper/client/index.js";

interface Preferences {
  home?: string;
  headscalePath?: string;
}

const preferences = () => getPreferenceValues<Preferences>();
const home = () => preferences().home?.trim() || undefined;

/** Short calls answer within this; starting or restarting Headscale gets longer. */
export const CALL_TIMEOUT_MS = 10_000;
export const LIFECYCLE_TIMEOUT_MS = 60_000;

/** A lasting connection, for views that follow pushed updates (logs) while they are open. */
export function connect(): Promise<HelperClient> {
  return HelperClient.connect(helperSocketPath(home()));
}

export function call<M extends MethodName>(
  method: M,
  params?: ParamsOf<M>,
  timeoutMs = CALL_TIMEOUT_MS,
): Promise<ResultOf<M>> {
  return callHelper(helperSocketPath(home()), method, params, { timeoutMs });
}

export function isHelperDown(error: unknown): boolean {
  return error instanceof HelperUnavailableError;
}

/**
 * Starts the helper detached (the build puts a bundled copy in assets/) and hands it the
 * Headscale path from the preferences, if one is set.
 */
export async function startHelper(): Promise<void> {
  const client = await ensureHelper({
    home: home(),
    cliPath: join(environment.assetsPath, "helper.mjs"),
    nodePath: process.execPath,
  });
  try {
    const wanted = preferences().headscalePath?.trim();
    if (wanted) {
      const { settings } = await client.call("config.get");
      if (settings.headscalePath !== wanted) await client.call("config.set", { patch: { headscalePath: wanted } });
    }
  } finally {
    client.close();
  }
}

/** For commands that need Headscale itself (minting keys): the helper, then Headscale, started if needed. */
export async function ensureHeadscale(): Promise<void> {
  await startHelper();
  await call("headscale.start", undefined, LIFECYCLE_TIMEOUT_MS);
}

/** Refreshes the menu bar right away, so its count follows a start or stop at once. */
export async function refreshMenuBar(): Promise<void> {
  await launchCommand({ name: "menu-bar", type: LaunchType.Background }).catch(() => {});
}
