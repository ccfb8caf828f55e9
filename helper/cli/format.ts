/** How the CLI prints things for people. Pure, so it is tested without a terminal. */
import { formatBytes, formatDuration, relativeTime, tailnetSummary } from "../client/present.js";
import type { BridgeStatus, Node, Status, TailnetStatus } from "../protocol/schema.js";

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
  if (hs.nodes) lines.push(`Nodes       ${hs.nodes.online} online of ${hs.nodes.total}`);
  lines.push(`Auto-start  ${hs.autoStart ? "on" : "off"}`);
  if (hs.lastError) {
    lines.push(`Last error  ${hs.lastError}`);
    for (const line of hs.lastErrorLog.slice(-5)) lines.push(`            ${line}`);
  }
  if (status.tailnet && status.tailnet.state !== "off") lines.push(`Tailnet     ${formatTailnet(status.tailnet)}`);
  lines.push(`Helper      ${status.helper.version} (pid ${status.helper.pid}), home ${status.helper.home}`);
  return lines.join("\n");
}

export function formatTable(header: string[], rows: string[][]): string {
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
  return formatTable(
    ["ID", "NAME", "USER", "IP ADDRESSES", "STATUS", "LAST SEEN"],
    nodes.map((node) => [
      node.id,
      node.givenName,
      node.user,
      node.ipAddresses.join(", "),
      node.online ? "online" : "offline",
      relativeTime(node.lastSeen, now),
    ]),
  );
}

/** "my-mac  Running  100.64.0.1", with the reason when there is one. */
function formatTailnet(node: TailnetStatus): string {
  const summary = tailnetSummary(node, "  ");
  return node.lastError ? `${summary}\n            ${node.lastError}` : summary;
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
