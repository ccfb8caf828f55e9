/** Start, stop, restart: shared by the no-view commands, the status view and the menu bar. */
import { openExtensionPreferences, showHUD, showToast, Toast } from "@raycast/api";
import { LIFECYCLE_TIMEOUT_MS, needsHeadscale } from "../../helper/client/index.js";
import { downloadWithToast, DOWNLOAD_TITLE } from "./download-headscale.js";
import { call, ensureHelperRunning, isHelperDown, refreshMenuBar } from "./raycast-client.js";

/** "shutdown" stops Headscale and then the helper itself. */
export type LifecycleAction = "start" | "stop" | "restart" | "shutdown";

const DONE: Record<LifecycleAction, string> = {
  start: "Headscale is running",
  stop: "Headscale stopped",
  restart: "Headscale restarted",
  shutdown: "Headscale and the helper stopped",
};

const DOING: Record<LifecycleAction, string> = {
  start: "Starting Headscale…",
  stop: "Stopping Headscale…",
  restart: "Restarting Headscale…",
  shutdown: "Stopping Headscale and the helper…",
};

const METHOD = {
  start: "headscale.start",
  stop: "headscale.stop",
  restart: "headscale.restart",
  shutdown: "helper.shutdown",
} as const;

export async function runLifecycle(action: LifecycleAction, feedback: "hud" | "toast" = "hud"): Promise<boolean> {
  const toast = await showToast({ style: Toast.Style.Animated, title: DOING[action] });
  const stopping = action === "stop" || action === "shutdown";
  try {
    if (!stopping) await ensureHelperRunning();
    const answer = await call(METHOD[action], undefined, LIFECYCLE_TIMEOUT_MS).catch((error) => {
      // Stopping with no helper running: nothing runs, which is what was asked.
      if (stopping && isHelperDown(error)) return undefined;
      throw error;
    });
    const nodes = answer && "headscale" in answer ? answer.headscale.nodes : undefined;
    const message = DONE[action] + (action !== "stop" && nodes ? ` · ${nodes.online}/${nodes.total} nodes online` : "");
    if (feedback === "hud") {
      await toast.hide();
      await showHUD(message);
    } else {
      toast.style = Toast.Style.Success;
      toast.title = message;
    }
    return true;
  } catch (error) {
    toast.style = Toast.Style.Failure;
    toast.title = `Could not ${action === "shutdown" ? "stop" : action} Headscale`;
    toast.message = error instanceof Error ? error.message : String(error);
    // The fix is often a preference (the binary) or, with no usable Headscale, the download.
    toast.primaryAction = needsHeadscale(error)
      ? {
          title: DOWNLOAD_TITLE,
          onAction: async () => {
            if (await downloadWithToast()) await runLifecycle(action, feedback);
          },
        }
      : { title: "Open Extension Preferences", onAction: () => void openExtensionPreferences() };
    if (needsHeadscale(error)) {
      toast.secondaryAction = { title: "Open Extension Preferences", onAction: () => void openExtensionPreferences() };
    }
    return false;
  } finally {
    await refreshMenuBar();
  }
}
