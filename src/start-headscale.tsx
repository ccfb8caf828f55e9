import { runLifecycle } from "./lib/lifecycle.js";

/** Start Headscale (no-view): reports with a HUD, or a toast with the reason when it fails. */
export default async function StartHeadscale() {
  await runLifecycle("start");
}
