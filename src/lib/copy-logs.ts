import { Clipboard, showHUD } from "@raycast/api";
import { showFailureToast } from "@raycast/utils";
import { logsAsText } from "../../helper/client/index.js";
import { call } from "./raycast-client.js";

/** Copies the helper's whole log buffer: from the logs view, the status view and the menu bar. */
export async function copyAllLogs(): Promise<void> {
  try {
    const lines = await call("logs.tail", { lines: 100_000 });
    await Clipboard.copy(logsAsText(lines));
    await showHUD(`Copied ${lines.length} log lines`);
  } catch (error) {
    await showFailureToast(error, { title: "Could not copy the logs" });
  }
}
