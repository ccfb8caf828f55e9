import { getPreferenceValues } from "@raycast/api";
import { runLifecycle } from "./lib/lifecycle.js";

/**
 * Stop Headscale (no-view): reports with a HUD, or a toast with the reason when it fails.
 * With the "Also Stop the Helper" preference, the helper goes too, and nothing is left running.
 */
export default async function StopHeadscale() {
  const { alsoStopHelper } = getPreferenceValues<{ alsoStopHelper?: boolean }>();
  await runLifecycle(alsoStopHelper ? "shutdown" : "stop");
}
