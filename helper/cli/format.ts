/** How the CLI prints things for people. Pure, so it is tested without a terminal. */
import { bridgeUpOutcome, formatBytes, formatDuration, relativeTime, tailnetSummary } from "../client/present.js";
import type {
  BridgeStatus,
  Check,
  Node,
  PolicyVersion,
  Reachability,
  Status,
  TailnetStatus,
} from "../protocol/types.js";
import { exitNodeState, isExitRoute, pendingRoutes, servedRoutes } from "../headscale/routes.js";
import { REACH_TITLES } from "../config/reach.js";

/**
 * Text for a terminal: control characters (escape sequences that could retitle the window or
 * move the cursor) shown as \xHH. Newlines and tabs stay; names and logs come from others.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

export function formatStatus(status: Status): string {
  const hs = status.headscale;
  const lines = [
    `Headscale   ${hs.state}${hs.pid ? ` (pid ${hs.pid}${hs.uptimeSeconds !== null ? `, up ${formatDuration(hs.uptimeSeconds)}` : ""})` : ""}`,
  ];
  lines.push(`Server URL  ${hs.serverUrl}`);
  if (hs.version) lines.push(`Version     ${hs.version}`);
  if (hs.nodes) {
    const waiting = hs.nodes.pendingRoutes;
    lines.push(
      `Nodes       ${hs.nodes.online} online of ${hs.nodes.total}` +
        (waiting ? `; ${waiting} route${waiting === 1 ? "" : "s"} awaiting approval (nodes routes)` : ""),
    );
  }
  lines.push(`Auto-start  ${hs.autoStart ? "on" : "off"}`);
  if (hs.lastError) {
    lines.push(`Last error  ${hs.lastError}`);
    for (const line of hs.lastErrorLog.slice(-5)) lines.push(`            ${line}`);
  }
  if (status.tailnet && status.tailnet.state !== "off") lines.push(`Tailnet     ${formatTailnet(status.tailnet)}`);
  lines.push(`Helper      ${status.helper.version} (pid ${status.helper.pid}), home ${status.helper.home}`);
  return lines.join("\n");
}

/** Where devices reach the server: each check with its mark, its finding and, when it fails, the fix. */
export function formatReachability(r: Reachability): string {
  const mark = (check: Check) => (check.warning ? "!!" : check.ok === true ? "ok" : check.ok === false ? "NO" : "--");
  const line = (title: string, check: Check) => [
    `  ${title.padEnd(11)} ${mark(check)}  ${printable(check.detail)}`,
    ...((check.ok === false || check.warning) && check.fix ? [`${" ".repeat(18)}fix: ${printable(check.fix)}`] : []),
  ];
  return [
    `Reach       ${REACH_TITLES[r.reach]}: ${r.serverUrl}`,
    ...line("name", r.resolves),
    ...line("/health", r.health),
    ...line("certificate", r.certificateCheck),
    ...line("relay", r.relay),
    `  ${printable(r.summary)}`,
  ].join("\n");
}

/** A table, one line per row: a line break or tab inside a cell (a device's name, say) is shown escaped. */
export function formatTable(header: string[], rawRows: string[][]): string {
  // Escaped here, before the widths are measured: escaped later, a cell outgrows its column.
  const oneLine = (cell: string) => printable(cell.replace(/\r/g, "\\r").replace(/\n/g, "\\n").replace(/\t/g, "\\t"));
  const rows = rawRows.map((row) => row.map(oneLine));
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function formatNodes(nodes: Node[], now = new Date()): string {
  if (nodes.length === 0) return "No nodes yet. Mint a key with `headscale-remote keys mint --device-id ID`.";
  // Tags and routes get columns only on a tailnet that uses them.
  const tagged = nodes.some((node) => node.tags.length > 0);
  const routed = nodes.some((node) => node.availableRoutes.length > 0);
  return formatTable(
    [
      "ID",
      "NAME",
      "USER",
      "IP ADDRESSES",
      "STATUS",
      "LAST SEEN",
      ...(tagged ? ["TAGS"] : []),
      ...(routed ? ["ROUTES"] : []),
    ],
    nodes.map((node) => [
      node.id,
      node.givenName,
      node.user,
      node.ipAddresses.join(", "),
      node.online ? "online" : "offline",
      relativeTime(node.lastSeen, now),
      ...(tagged ? [node.tags.join(", ")] : []),
      ...(routed ? [routesSummary(node)] : []),
    ]),
  );
}

/** "exit node, 1 waiting": what a node's routes need from an admin, in a few words. */
export function routesSummary(node: Node): string {
  const exit = exitNodeState(node);
  const subnets = servedRoutes(node).filter((route) => !isExitRoute(route)).length;
  const waiting = pendingRoutes(node).length;
  return [
    exit === "approved" ? "exit node" : "",
    subnets ? `${subnets} approved` : "",
    waiting ? `${waiting} waiting` : "",
  ]
    .filter(Boolean)
    .join(", ");
}

/** One row per route a node offers or has approved, so that each can be approved by its text. */
export function formatRoutes(nodes: Node[]): string {
  const rows = nodes.flatMap((node) =>
    [...new Set([...node.availableRoutes, ...node.approvedRoutes])].map((route) => [
      node.id,
      node.givenName,
      route,
      isExitRoute(route) ? "exit node" : "subnet",
      node.approvedRoutes.includes(route)
        ? node.availableRoutes.includes(route)
          ? "approved"
          : "approved, not offered"
        : "waiting",
    ]),
  );
  if (rows.length === 0)
    return "No node offers routes. A device offers them with `tailscale up --advertise-routes=… --advertise-exit-node`.";
  return formatTable(["ID", "NODE", "ROUTE", "KIND", "STATE"], rows);
}

export function formatPolicyHistory(versions: PolicyVersion[], current: number | null): string {
  if (versions.length === 0) return "No policy has been applied through Headscale Remote yet.";
  return formatTable(
    ["VERSION", "SAVED", "BYTES", ""],
    versions.map((v) => [String(v.version), v.savedAt, String(v.bytes), v.version === current ? "current" : ""]),
  );
}

/** "my-mac  Running  100.64.0.1", with the reason when there is one. */
function formatTailnet(node: TailnetStatus): string {
  const summary = tailnetSummary(node, "  ");
  return node.lastError ? `${summary}\n            ${node.lastError}` : summary;
}

/**
 * What `bridge up` tells the person: where devices reach the service, or in one line why the node
 * does not run yet; then the node and its mappings.
 */
export function formatBridgeUp(bridge: BridgeStatus, localPort: number, tailnetPort = localPort): string {
  return `${bridgeUpOutcome(bridge, localPort, tailnetPort).line}\n\n${formatBridge(bridge)}`;
}

export function formatBridge(bridge: BridgeStatus): string {
  if (bridge.mappings.length === 0) {
    return "No tailnet port is bridged. Add one with `headscale-remote bridge up --local-port PORT`.";
  }
  const table = formatTable(
    ["TAILNET", "LOCAL", "ACTIVE", "TOTAL", "IN", "OUT", "LAST ERROR"],
    bridge.mappings.map((m) => [
      bridge.ipv4 ? `${bridge.ipv4}:${m.tailnetPort}` : `:${m.tailnetPort}`,
      `127.0.0.1:${m.localPort}`,
      String(m.active),
      String(m.total),
      formatBytes(m.bytesIn),
      formatBytes(m.bytesOut),
      m.lastError ?? "",
    ]),
  );
  return `Node  ${formatTailnet(bridge)}\n\n${table}`;
}
