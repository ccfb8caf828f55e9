import { runLifecycle } from "./lib/lifecycle.js";

/** Restart Headscale (no-view): reports with a HUD, or a toast with the reason when it fails. */
export default async function RestartHeadscale() {
  await runLifecycle("restart");
}
