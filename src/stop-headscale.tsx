import { runLifecycle } from "./lib/lifecycle.js";

/** Stop Headscale (no-view): reports with a HUD, or a toast with the reason when it fails. */
export default async function StopHeadscale() {
  await runLifecycle("stop");
}
