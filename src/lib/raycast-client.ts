/**
 * The Raycast side of the helper's socket. Commands only make short, timeout-bounded
 * calls; the one process they ever start is a detached helper, which outlives them.
 */
import { environment, getPreferenceValues, launchCommand, LaunchType, showToast, Toast } from "@raycast/api";
import { showFailureToast } from "@raycast/utils";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  callHelper,
  ensureHelper,
  findInstalledHelper,
  HelperClient,
  helperSocketPath,
  HelperUnavailableError,
  LIFECYCLE_TIMEOUT_MS,
} from "../../helper/client/index.js";
import type { MethodName, ParamsOf, ResultOf } from "../../helper/client/index.js";

interface Preferences {
  home?: string;
  headscalePath?: string;
}

const preferences = () => getPreferenceValues<Preferences>();
const home = () => preferences().home?.trim() || undefined;

/** A lasting connection, for views that follow pushed updates (logs) while they are open. */
export function connect(): Promise<HelperClient> {
  return HelperClient.connect(helperSocketPath(home()));
}

/** One call; without `timeoutMs`, the client's own for the method (longer for those that wait by design). */
export function call<M extends MethodName>(method: M, params?: ParamsOf<M>, timeoutMs?: number): Promise<ResultOf<M>> {
  return callHelper(helperSocketPath(home()), method, params, { timeoutMs });
}

export function isHelperDown(error: unknown): boolean {
  return error instanceof HelperUnavailableError;
}

/**
 * Makes sure a helper runs: starts one detached when none answers (the build puts a bundled
 * copy in assets/), and hands it the Headscale path from the preferences, if one is set.
 */
export async function ensureHelperRunning(): Promise<void> {
  const client = await ensureHelper({
    home: home(),
    // An npm-installed helper brings the prebuilt bridge; the bundled copy has none.
    entryPath: findInstalledHelper(homedir()) ?? join(environment.assetsPath, "helper.mjs"),
    nodePath: process.execPath,
    // After an update, the helper of the old build is replaced once it is idle: say so.
    onNotice: (line, kind) =>
      void showToast({
        style: kind === "waiting" ? Toast.Style.Animated : Toast.Style.Failure,
        title: kind === "waiting" ? "Updating the helper…" : "Using the running helper",
        message: line,
      }),
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
  await ensureHelperRunning();
  await call("headscale.start", undefined, LIFECYCLE_TIMEOUT_MS);
}

/** A form's submit handler for work that needs Headscale: starts what is missing first; a failure is a toast. */
export function withHeadscale<V>(failureTitle: string, work: (values: V) => Promise<void>) {
  return async (values: V): Promise<void> => {
    try {
      await ensureHeadscale();
      await work(values);
    } catch (error) {
      await showFailureToast(error, { title: failureTitle });
    }
  };
}

/** Refreshes the menu bar right away, so its count follows a start or stop at once. */
export async function refreshMenuBar(): Promise<void> {
  await launchCommand({ name: "menu-bar", type: LaunchType.Background }).catch(() => {});
}
