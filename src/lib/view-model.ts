/** What the Raycast commands show, computed from the helper's answers. Pure: no Raycast, no I/O. */
import type { BridgeMapping, BridgeStatus, LogLine, Node, Status, TailnetStatus } from "../../helper/client/index.js";

export type Health = "running" | "busy" | "stopped" | "error";

export function health(status: Status | undefined): Health {
  const state = status?.headscale.state;
  // Running with an error: it answers, but says its database is unreachable.
  if (state === "running") return status!.headscale.lastError ? "error" : "running";
  if (state === "starting" || state === "stopping") return "busy";
  if (state === "crashed") return "error";
  return "stopped";
}

/** The menu bar title: "online/total" while Headscale runs, nothing otherwise (the icon says it). */
export function menuBarTitle(status: Status | undefined): string | undefined {
  const nodes = status?.headscale.nodes;
  return status?.headscale.state === "running" && nodes ? `${nodes.online}/${nodes.total}` : undefined;
}

/** Online nodes first, then by name, so the ones you can reach now are at the top. */
export function sortNodes(nodes: Node[]): Node[] {
  return [...nodes].sort((a, b) => Number(b.online) - Number(a.online) || a.givenName.localeCompare(b.givenName));
}

export function ipv4(node: Node): string | undefined {
  return node.ipAddresses.find((ip) => ip.includes("."));
}

export function ipv6(node: Node): string | undefined {
  return node.ipAddresses.find((ip) => ip.includes(":"));
}

export type NodeFilter = "all" | "online" | "offline";

export function filterNodes(nodes: Node[], filter: NodeFilter): Node[] {
  if (filter === "all") return nodes;
  return nodes.filter((node) => node.online === (filter === "online"));
}

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const LEVEL_TAGS: Record<string, LogLevel> = {
  TRC: "trace",
  DBG: "debug",
  INF: "info",
  WRN: "warn",
  ERR: "error",
  FTL: "error",
  PNC: "error",
};

/** Headscale's text log tags each line with a three-letter level after the timestamp. */
export function logLevel(line: LogLine): LogLevel {
  const tag = /^\S+\s+(TRC|DBG|INF|WRN|ERR|FTL|PNC)\b/.exec(line.text)?.[1];
  if (tag) return LEVEL_TAGS[tag]!;
  return line.stream === "stderr" ? "warn" : "info";
}

export function filterLogs(lines: LogLine[], minimum: LogLevel): LogLine[] {
  const floor = LOG_LEVELS.indexOf(minimum);
  return lines.filter((line) => LOG_LEVELS.indexOf(logLevel(line)) >= floor);
}

/** How many newest lines a view keeps while following, so a long session stays light. */
export const MAX_FOLLOWED_LINES = 1000;

export function appendCapped(lines: LogLine[], added: LogLine[], cap = MAX_FOLLOWED_LINES): LogLine[] {
  const seen = lines.at(-1)?.seq ?? 0;
  const fresh = added.filter((line) => line.seq > seen);
  if (fresh.length === 0) return lines;
  const next = [...lines, ...fresh];
  return next.length > cap ? next.slice(next.length - cap) : next;
}

/** The helper's own tailnet node when it has one to show (older helpers report none). */
export function activeTailnet(status: Status | undefined): TailnetStatus | undefined {
  const tailnet = status?.tailnet;
  return tailnet && tailnet.state !== "off" ? tailnet : undefined;
}

/** Where devices on the tailnet reach a mapping: the node's IPv4 and the tailnet port. */
export function mappingAddress(bridge: Pick<BridgeStatus, "ipv4">, mapping: BridgeMapping): string | undefined {
  return bridge.ipv4 ? `${bridge.ipv4}:${mapping.tailnetPort}` : undefined;
}

/** A form's port field: digits only, 1–65535; undefined for an empty optional field. */
export function parsePort(text: string): number | undefined | Error {
  const value = text.trim();
  if (value === "") return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    return new Error("A port is a whole number from 1 to 65535");
  }
  return Number(value);
}
