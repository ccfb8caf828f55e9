/** How this computer's node reads in status: its state in a person's terms, its name and addresses. */
import type { TailnetStatus } from "../protocol/types.js";
import type { NodeWanted } from "./node-lifecycle.js";
import type { NativeStatus } from "./node.js";

export interface NodeFacts {
  /** Before the node has a backend state of its own. */
  phase: "off" | "unavailable" | "provisioning" | "waiting" | "failed";
  /** Whether a node exists (it may not have a native status yet). */
  hasNode: boolean;
  native: NativeStatus | undefined;
  lastError: string | null;
  wanted: NodeWanted;
}

export function nodeStatus({ phase, hasNode, native, lastError, wanted }: NodeFacts): TailnetStatus {
  const hasMappings = wanted.mappings.length > 0;
  let state: string = phase;
  if (hasNode) {
    // A join with a key passes through NeedsLogin: it needs nothing from the person.
    const joining = !native || native.state === "NoState" || (native.state === "NeedsLogin" && !lastError);
    state = joining ? "Starting" : native.state;
  } else if (phase === "off" && hasMappings) state = "Starting";
  return {
    state,
    hostname: hasMappings || hasNode ? wanted.hostname : null,
    ipv4: native?.ipv4 || null,
    ipv6: native?.ipv6 || null,
    account: hasMappings ? wanted.account : null,
    lastError,
    relay: native?.relay || null,
    relayProblem: native?.relayProblem || null,
  };
}
