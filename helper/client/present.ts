/** How the helper's answers read to people: shared by the CLI and the Raycast views. Pure. */
import type { LogLine, MintResult, TailnetStatus } from "../protocol/types.js";

/** "42s", "5m", "3h 12m", "4d 2h": as precise as a glance needs. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** "5m ago", "2d 1h from now", "just now", or "never" for no time at all. */
export function relativeTime(iso: string | null, now = new Date()): string {
  if (!iso) return "never";
  const seconds = Math.round((now.getTime() - Date.parse(iso)) / 1000);
  if (Math.abs(seconds) < 5) return "just now";
  return `${formatDuration(Math.abs(seconds))} ${seconds >= 0 ? "ago" : "from now"}`;
}

/** "512 B", "1.5 MiB": binary units, one decimal. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** One log line as text: the helper's own lines are marked, Headscale's stand as it wrote them. */
export function logLineText(line: LogLine): string {
  return line.stream === "helper" ? `[helper] ${line.text}` : line.text;
}

export function logsAsText(lines: LogLine[]): string {
  return lines.map(logLineText).join("\n");
}

/** The line a device runs to join with a minted key. */
export function tailscaleUpCommand(mint: Pick<MintResult, "coordinationUrl" | "preAuthKey">): string {
  return `tailscale up --login-server=${mint.coordinationUrl} --auth-key=${mint.preAuthKey}`;
}

/** "my-mac · Running · 100.64.0.1": the helper's own tailnet node in one line. */
export function tailnetSummary(tailnet: Pick<TailnetStatus, "hostname" | "state" | "ipv4">, separator = " · "): string {
  return [tailnet.hostname, tailnet.state, tailnet.ipv4].filter(Boolean).join(separator);
}

/**
 * What `bridge up` answers a person: where devices reach the service ("100.64.0.1:9096 →
 * 127.0.0.1:8096"), or why the node does not run yet. `running` is false for the latter.
 */
export function bridgeUpOutcome(
  bridge: Pick<TailnetStatus, "state" | "ipv4" | "lastError">,
  localPort: number,
  tailnetPort = localPort,
): { running: boolean; line: string } {
  if (bridge.state === "Running" && bridge.ipv4) {
    return { running: true, line: `${bridge.ipv4}:${tailnetPort} → 127.0.0.1:${localPort}` };
  }
  const why = bridge.lastError ?? "it is still joining, and the mapping is kept: it serves once the node runs";
  return { running: false, line: `The node does not run yet (${bridge.state}): ${why}` };
}
