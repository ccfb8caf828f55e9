/** Start, stop, restart: shared by the no-view commands, the status view and the menu bar. */
import { showHUD, showToast, Toast } from "@raycast/api";
import { call, isHelperDown, LIFECYCLE_TIMEOUT_MS, refreshMenuBar, startHelper } from "./helper.js";

export type LifecycleAction = "start" | "stop" | "restart";

const DONE: Record<LifecycleAction, string> = {
  start: "Headscale is running",
  stop: "Headscale stopped",
  restart: "Headscale restarted",
};

export async function runLifecycle(action: LifecycleAction, feedback: "hud" | "toast" = "hud"): Promise<boolean> {
  const toast = await showToast({
    style: Toast.Style.Animated,
    title: `${action === "stop" ? "Stopping" : action === "start" ? "Starting" : "Restarting"} Headscale…`,
  });
  try {
    if (action !== "stop") await startHelper();
    const status = await call(`headscale.${action}`, undefined, LIFECYCLE_TIMEOUT_MS).catch((error) => {
      // Stopping with no helper running: nothing runs, which is what was asked.
      if (action === "stop" && isHelperDown(error)) return undefined;
      throw error;
    });
    const nodes = status?.headscale.nodes;
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
    toast.title = `Could not ${action} Headscale`;
    toast.message = error instanceof Error ? error.message : String(error);
    return false;
  } finally {
    await refreshMenuBar();
  }
}
