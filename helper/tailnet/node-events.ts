/**
 * What a node's events mean for the bridge: running, logged out from Headscale's side, its key
 * refused, Headscale failing for a while, or no start at all. Events of a node that has since been
 * replaced are ignored.
 */
import { isKeyRefusal } from "./key-refusal.js";
import type { TailnetNode } from "./node.js";

/** How long a node may say NeedsLogin before its saved login is taken as lost. */
const LOGGED_OUT_GRACE_MS = 10_000;

export interface NodeReactions {
  /** The node runs locally: forwards can be added. */
  started(): void;
  /** Its backend state, each time it changes. */
  state(state: string): void;
  running(): void;
  /** Headscale no longer knows the node's saved login (expired, deleted, another database). */
  loggedOut(): void;
  /** Headscale refused the node's key. */
  keyRefused(message: string): void;
  /** Headscale could not take the node (restarting, its database closed); tsnet tries again by itself. */
  headscaleFailed(message: string): void;
  startFailed(message: string): void;
}

export function watchNode(
  node: TailnetNode,
  options: { withSavedLogin: boolean; current: () => boolean; log: (text: string) => void },
  on: NodeReactions,
): void {
  const { current } = options;
  node.on("log", options.log);
  node.on("started", () => current() && on.started());
  let wasRunning = false;
  let loggedOut: NodeJS.Timeout | undefined;
  node.on("state", (state) => {
    if (!current()) return;
    on.state(state);
    if (state === "Running") {
      clearTimeout(loggedOut);
      wasRunning = true;
      on.running();
    } else if (state === "NeedsLogin" && (wasRunning || options.withSavedLogin) && !loggedOut) {
      // Only if it lasts: a node can pass through NeedsLogin on its way back.
      loggedOut = setTimeout(() => {
        if (current() && node.backendState === "NeedsLogin") on.loggedOut();
        loggedOut = undefined;
      }, LOGGED_OUT_GRACE_MS);
    }
  });
  node.on("refused", (message) => {
    if (!current()) return;
    // Replacing the key when Headscale merely failed made a new node with new IPs.
    if (isKeyRefusal(message)) on.keyRefused(message);
    else on.headscaleFailed(message);
  });
  node.on("startFailed", (message) => current() && on.startFailed(message));
}
