/** A started node's forwards made to match the saved mappings, exactly. */
import type { Mapping } from "./bridge-store.js";
import type { TailnetNode } from "./node.js";

/** The native library says "tailnet: …" for any host program; here the line already says where it is from. */
export const withoutLibraryPrefix = (message: string) => message.replace(/^tailnet: /, "");

/** Removes the forwards no mapping wants and adds the missing ones; a port that fails is said through `fail`. */
export function reconcileForwards(node: TailnetNode, wanted: Mapping[], fail: (message: string) => void): void {
  const live = node.status().forwards ?? [];
  const same = (a: Mapping, b: Mapping) => a.tailnetPort === b.tailnetPort && a.localPort === b.localPort;
  for (const forward of live) {
    if (!wanted.some((mapping) => same(mapping, forward))) node.removeForward(forward.tailnetPort);
  }
  for (const mapping of wanted) {
    if (live.some((forward) => same(mapping, forward))) continue;
    try {
      node.addForward(mapping.tailnetPort, mapping.localPort);
    } catch (error) {
      fail(`tailnet port ${mapping.tailnetPort}: ${withoutLibraryPrefix((error as Error).message)}`);
    }
  }
}

/** Whether the started node listens on this tailnet port (false only once it has started without it). */
export function forwards(node: TailnetNode | undefined, tailnetPort: number): boolean {
  return !node?.isStarted || (node.status().forwards ?? []).some((forward) => forward.tailnetPort === tailnetPort);
}
