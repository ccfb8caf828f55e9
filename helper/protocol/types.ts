/**
 * The shapes the helper and its clients share: Headscale's nodes, users, keys and policy as the
 * helper presents them, its status, the bridge's, and reachability checks.
 */
import { z } from "zod";
import { durationProblem } from "../util/duration.js";
import { Reach } from "./reach.js";

export const HeadscaleState = z.enum(["stopped", "starting", "running", "stopping", "crashed"]);
export type HeadscaleState = z.infer<typeof HeadscaleState>;

export const LogLine = z.object({
  seq: z.number().int(),
  time: z.string(),
  stream: z.enum(["stdout", "stderr", "helper"]),
  text: z.string(),
});
export type LogLine = z.infer<typeof LogLine>;

export const Node = z.object({
  id: z.string(),
  name: z.string(),
  givenName: z.string(),
  user: z.string(),
  ipAddresses: z.array(z.string()),
  online: z.boolean(),
  lastSeen: z.string().nullable(),
  expiry: z.string().nullable(),
  createdAt: z.string().nullable(),
  /** tag:… names. A tagged node belongs to its tags, not to a user (Headscale 0.29). */
  tags: z.array(z.string()).default([]),
  /** Routes it offers (0.0.0.0/0 and ::/0 when it offers to be an exit node), and those approved. */
  availableRoutes: z.array(z.string()).default([]),
  approvedRoutes: z.array(z.string()).default([]),
});
export type Node = z.infer<typeof Node>;

export const User = z.object({ id: z.string(), name: z.string(), createdAt: z.string().nullable() });
export type User = z.infer<typeof User>;

export const ApiKey = z.object({
  id: z.string(),
  prefix: z.string(),
  expiration: z.string().nullable(),
  createdAt: z.string().nullable(),
  lastSeen: z.string().nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;

/** A pre-auth key as listed: the secret itself is never part of a listing. */
export const PreAuthKey = z.object({
  id: z.string(),
  user: z.string().nullable(),
  reusable: z.boolean(),
  ephemeral: z.boolean(),
  used: z.boolean(),
  expiration: z.string().nullable(),
  createdAt: z.string().nullable(),
  aclTags: z.array(z.string()),
  /** The device (and account) it was minted for through the helper; null for other keys. */
  device: z.string().nullable().optional(),
});
export type PreAuthKey = z.infer<typeof PreAuthKey>;

export const NodeCounts = z.object({
  total: z.number(),
  online: z.number(),
  /** Routes offered by nodes and not approved yet. */
  pendingRoutes: z.number().default(0),
  updatedAt: z.string(),
});

/** One tailnet port forwarded by the bridge to a port on this computer, with its counters. */
export const BridgeMapping = z.object({
  tailnetPort: z.number().int(),
  localPort: z.number().int(),
  active: z.number(),
  total: z.number(),
  /** Connections that found nothing listening on the local port. */
  refused: z.number(),
  /** Bytes from the tailnet to the local service. */
  bytesIn: z.number(),
  /** Bytes from the local service to the tailnet. */
  bytesOut: z.number(),
  lastError: z.string().nullable(),
  lastClient: z.string().nullable(),
});
export type BridgeMapping = z.infer<typeof BridgeMapping>;

/**
 * The helper's own tailnet node. state: "off" (no mappings), "unavailable" (no addon),
 * "provisioning" (getting its key), then tsnet's backend states ("Starting", "NeedsLogin",
 * "Running", …), or "failed".
 */
export const TailnetStatus = z.object({
  state: z.string(),
  hostname: z.string().nullable(),
  ipv4: z.string().nullable(),
  ipv6: z.string().nullable(),
  account: z.string().nullable(),
  lastError: z.string().nullable(),
  /** The relay (DERP region) the node is connected to, as tsnet sees it; null when none. Absent from older helpers. */
  relay: z.string().nullable().optional(),
  /** Why the node has no working relay, in tsnet's words; null when it has one. */
  relayProblem: z.string().nullable().optional(),
});
export type TailnetStatus = z.infer<typeof TailnetStatus>;

export const BridgeStatus = TailnetStatus.extend({ mappings: z.array(BridgeMapping) });
export type BridgeStatus = z.infer<typeof BridgeStatus>;

export const Status = z.object({
  helper: z.object({
    version: z.string(),
    /**
     * The helper's build (see buildOf): null for a helper run inside another program (tests), which
     * no client replaces; absent from helpers older than the handshake.
     */
    build: z.string().nullable().optional(),
    /** The file it runs from: a client replaces only a helper of its own install. Null inside another program. */
    entry: z.string().nullable().optional(),
    pid: z.number(),
    home: z.string(),
    socket: z.string(),
  }),
  headscale: z.object({
    state: HeadscaleState,
    pid: z.number().nullable(),
    startedAt: z.string().nullable(),
    uptimeSeconds: z.number().nullable(),
    serverUrl: z.string(),
    version: z.string().nullable(),
    binary: z.string().nullable(),
    autoStart: z.boolean(),
    restarts: z.number(),
    lastError: z.string().nullable(),
    lastErrorLog: z.array(z.string()),
    nodes: NodeCounts.nullable(),
  }),
  /** Absent from helpers older than the bridge: a newer client must still read their status. */
  tailnet: TailnetStatus.optional(),
});
export type Status = z.infer<typeof Status>;

/** "90d", "12h", "30m", "45s": Headscale's own duration words. */
export const Duration = z.string().superRefine((text, ctx) => {
  const problem = durationProblem(text);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** How long an API key lives unless someone says otherwise. */
export const DEFAULT_API_KEY_EXPIRATION = "90d";

export const Port = z.number().int().min(1).max(65535);

/** The longest name or identifier anything here accepts (users, accounts, devices). */
export const MAX_NAME = 256;

/** A node's name on the tailnet, as Headscale accepts it. */
export const DnsLabel = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "a DNS label: a-z, 0-9 and inner dashes, at most 63");

/** A pre-auth key made with options, shown once. */
export const CreatedPreAuthKey = z.object({
  id: z.string(),
  preAuthKey: z.string(),
  /** null for a key that joins devices as tagged nodes only. */
  user: z.string().nullable(),
  reusable: z.boolean(),
  ephemeral: z.boolean(),
  tags: z.array(z.string()),
  expiresAt: z.string(),
  coordinationUrl: z.string(),
});
export type CreatedPreAuthKey = z.infer<typeof CreatedPreAuthKey>;

/** The ACL policy Headscale holds; "" when there is none (everything is allowed). */
export const Policy = z.object({
  policy: z.string(),
  updatedAt: z.string().nullable(),
  /** The helper's history number of this text, when it is in the history. */
  version: z.number().nullable(),
});
export type Policy = z.infer<typeof Policy>;
export const PolicyVersion = z.object({ version: z.number(), savedAt: z.string(), bytes: z.number() });
export type PolicyVersion = z.infer<typeof PolicyVersion>;
export const MintResult = z.object({
  preAuthKey: z.string(),
  coordinationUrl: z.string(),
  expiresAt: z.string(),
  user: z.string(),
  account: z.string(),
  deviceId: z.string(),
  reused: z.boolean(),
  /** This computer's tailnet name and IPv4, when its node is up: where the device will find it. */
  remoteHostname: z.string().optional(),
  remoteIp: z.string().optional(),
});
export type MintResult = z.infer<typeof MintResult>;

/** One check of reachability: ok, a problem (with what to change), or not applicable/unknown. */
export const Check = z.object({
  ok: z.boolean().nullable(),
  /** Plain words: what was found. */
  detail: z.string(),
  /** What to change when it is not ok, or before a warning becomes a problem. */
  fix: z.string().nullable(),
  /** It works, but not for long (a certificate near its end). Absent from older helpers. */
  warning: z.boolean().default(false),
});
export type Check = z.infer<typeof Check>;

/** Where devices reach this server, checked now, as `server.reachability` answers. */
export const Reachability = z.object({
  reach: Reach,
  /** The URL devices log in to (what `tailscale up --login-server` gets). */
  serverUrl: z.string(),
  /** Whether the URL's host resolves to an address of this computer. */
  resolves: Check,
  /** Whether /health answers through the URL, TLS checked as a device checks it. */
  health: Check,
  /** The certificate's name and days left (warns under 14); null without TLS. */
  certificate: z
    .object({ name: z.string(), notAfter: z.string(), daysLeft: z.number(), issuer: z.string() })
    .nullable(),
  certificateCheck: Check,
  /** Whether the relay (DERP) can carry traffic for devices that cannot reach this computer directly. */
  relay: Check,
  /** One plain line: can devices off this network get through, and if not what to change. */
  summary: z.string(),
});
export type Reachability = z.infer<typeof Reachability>;
