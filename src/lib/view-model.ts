/** What the Raycast commands show, computed from the helper's answers. Pure: no Raycast, no I/O. */
import type {
  BridgeMapping,
  BridgeStatus,
  LogLine,
  Node,
  ResultOf,
  Status,
  TailnetStatus,
} from "../../helper/client/index.js";
import { exitNodeState, findAuthId, isExitRoute, pendingRoutes } from "../../helper/client/index.js";

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

export type NodeFilter = "all" | "online" | "offline" | "routes";

export function filterNodes(nodes: Node[], filter: NodeFilter): Node[] {
  if (filter === "all") return nodes;
  if (filter === "routes") return nodes.filter((node) => pendingRoutes(node).length > 0);
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

/** What a node offers and what of it serves: the list's badges and route actions come from this. */
export function nodeRoutes(node: Node) {
  const pending = pendingRoutes(node);
  return {
    /** Offered and not approved, the exit pair included. */
    pending,
    /** Waiting subnets: the exit pair is approved as one, with its own action. */
    pendingSubnets: pending.filter((route) => !isExitRoute(route)),
    approvedSubnets: node.approvedRoutes.filter((route) => !isExitRoute(route)),
    exitNode: exitNodeState(node),
  };
}

/** "1 route waiting", "3 routes waiting". */
export function routesWaiting(count: number): string {
  return `${count} route${count === 1 ? "" : "s"} waiting`;
}

/** A comma- (or space-) separated list of tags; "server" reads as "tag:server", as people type it. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((tag) => (tag.startsWith("tag:") ? tag : `tag:${tag}`));
  return [...new Set(tags)];
}

/**
 * What to prefill a registration form with from the clipboard: the pasted word that holds the
 * auth ID (the URL the device printed), or nothing when the clipboard holds no registration.
 */
export function registrationFromClipboard(text: string | undefined): string | undefined {
  const id = text ? findAuthId(text) : undefined;
  if (!id) return undefined;
  return text!.split(/\s+/).find((word) => word.includes(id)) ?? id;
}

export { findAuthId };

type User = ResultOf<"users.list">[number];

/** Nodes a user owns (a tagged node belongs to its tags: deleting the user leaves it), and all listed under it. */
export function nodesPerUser(nodes: Node[]): Map<string, { total: number; owned: number }> {
  const counts = new Map<string, { total: number; owned: number }>();
  for (const node of nodes) {
    const count = counts.get(node.user) ?? { total: 0, owned: 0 };
    count.total++;
    if (node.tags.length === 0) count.owned++;
    counts.set(node.user, count);
  }
  return counts;
}

export function sortUsers(users: User[]): User[] {
  return [...users].sort((a, b) => a.name.localeCompare(b.name));
}

export const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

type PreAuthKey = ResultOf<"preAuthKeys.list">[number];
export type KeyState = "usable" | "used" | "expired";

/** A single-use key is spent once used; any key is spent once expired. */
export function keyState(key: PreAuthKey, now = Date.now()): KeyState {
  if (key.expiration && Date.parse(key.expiration) <= now) return "expired";
  return key.used && !key.reusable ? "used" : "usable";
}

/** Usable keys first, newest first within each. */
export function sortKeys(keys: PreAuthKey[], now = Date.now()): PreAuthKey[] {
  const rank = (key: PreAuthKey) => (keyState(key, now) === "usable" ? 0 : 1);
  return [...keys].sort((a, b) => rank(a) - rank(b) || Date.parse(b.createdAt ?? "0") - Date.parse(a.createdAt ?? "0"));
}

/** A fenced block that holds any text: its fence is longer than every backtick run inside. */
export function codeBlock(text: string, language = ""): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}
