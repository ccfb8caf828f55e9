/**
 * Subnet routes and exit nodes as Headscale 0.29 keeps them: a node advertises routes
 * (`tailscale up --advertise-routes`, `--advertise-exit-node`), and only the approved ones are
 * served. Pure: no I/O. Whether a route is well formed: util/cidr.ts.
 */

/** An exit node advertises both; Headscale approves them as a pair. */
export const EXIT_ROUTES = ["0.0.0.0/0", "::/0"] as const;

export const isExitRoute = (route: string) => (EXIT_ROUTES as readonly string[]).includes(route);

interface Routed {
  availableRoutes: readonly string[];
  approvedRoutes: readonly string[];
}

/** Routes the node offers that nobody approved yet. */
export function pendingRoutes(node: Routed): string[] {
  return node.availableRoutes.filter((route) => !node.approvedRoutes.includes(route));
}

/** Routes the node serves: offered by it and approved (an approval it no longer offers serves nothing). */
export function servedRoutes(node: Routed): string[] {
  return node.approvedRoutes.filter((route) => node.availableRoutes.includes(route));
}

/** "approved" when it serves as an exit node, "offered" when it asks to, "no" otherwise. */
export function exitNodeState(node: Routed): "approved" | "offered" | "no" {
  if (EXIT_ROUTES.every((route) => servedRoutes(node).includes(route))) return "approved";
  return EXIT_ROUTES.some((route) => node.availableRoutes.includes(route)) ? "offered" : "no";
}

/**
 * The approved routes after approving and unapproving some: exit routes always go as a pair,
 * so half an exit node is never asked for. Order is kept; nothing is listed twice.
 */
export function changeApproved(approved: readonly string[], approve: readonly string[], unapprove: readonly string[]) {
  const pairExit = (routes: readonly string[]) =>
    routes.some(isExitRoute) ? [...routes.filter((r) => !isExitRoute(r)), ...EXIT_ROUTES] : [...routes];
  const drop = new Set(pairExit(unapprove));
  return [...new Set([...approved, ...pairExit(approve)])].filter((route) => !drop.has(route));
}
