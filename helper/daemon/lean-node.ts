/** How a listing of nodes goes out on the socket. */
import type { z } from "zod";
import type { Node } from "../protocol/types.js";

/**
 * A node as a listing sends it: its empty lists left out, which the schema's defaults put back.
 * Most nodes have no tags or routes, and parsing those empty lists took about 40% of the time a
 * client spent reading a listing of 1,000 nodes.
 */
export function leanNode(node: Node): z.input<typeof Node> {
  const { tags, availableRoutes, approvedRoutes, ...rest } = node;
  return {
    ...rest,
    ...(tags.length > 0 && { tags }),
    ...(availableRoutes.length > 0 && { availableRoutes }),
    ...(approvedRoutes.length > 0 && { approvedRoutes }),
  };
}
