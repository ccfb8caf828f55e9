/**
 * The helper's wire contract: every JSON-RPC method's params and result, declared once.
 * The helper validates params with these schemas; clients validate results with them.
 */
import { z } from "zod";
import { durationProblem } from "../util/duration.js";
import { DNS_DEFAULTS, DnsSettings } from "../config/dns-settings.js";
import { routeProblem } from "../headscale/routes.js";
import { Reach, TlsSettings } from "../config/reach.js";

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
const MAX_NAME = 256;

/** A node's name on the tailnet, as Headscale accepts it. */
const DnsLabel = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "a DNS label: a-z, 0-9 and inner dashes, at most 63");

/** host:port with a port Headscale can listen on (1–65535; 0 would pick one we could not find). */
const HostPort = z
  .string()
  // Aborting: a text that is no host:port has no port to complain about.
  .regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-f:]+\]:\d{1,5}$/i, { message: "host:port, e.g. 127.0.0.1:8080", abort: true })
  .refine((text) => {
    const port = Number(text.slice(text.lastIndexOf(":") + 1));
    return port >= 1 && port <= 65535;
  }, "the port must be from 1 to 65535");

/** The bridge's saved mappings and the identity of the node that serves them. */
const BridgeSettings = z.object({
  mappings: z.array(z.object({ tailnetPort: Port, localPort: Port })).default([]),
  /** Whose Headscale user the node belongs to; the OS user's name when not set. */
  account: z.string().min(1).max(MAX_NAME).optional(),
  /** The node's tailnet name; the machine name, sanitised, when not set. */
  hostname: DnsLabel.optional(),
});

const DatabaseSettings = z.discriminatedUnion("type", [
  // Strict: a misspelt or unknown key (a `password`, say) is refused, not silently dropped.
  z.strictObject({ type: z.literal("sqlite") }),
  z.strictObject({
    type: z.literal("postgres"),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(5432),
    name: z.string().min(1),
    user: z.string().min(1),
    /** A file holding the password (kept out of the config and argv); optional for peer/trust auth. */
    passwordFile: z.string().optional(),
    sslMode: z.enum(["disable", "require", "verify-full"]).default("disable"),
  }),
]);

/** What a person can set through the helper; Headscale's YAML is generated from it. */
export const Settings = z.object({
  listenAddr: HostPort,
  /** Defaults to https://<tls hostname> with TLS, else http://<listenAddr>; set it to the address remote devices use. */
  serverUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Headscale's own TLS: off, ACME (Let's Encrypt or another ACME server), or certificate files. */
  tls: TlsSettings.default({ mode: "off" }),
  grpcListenAddr: HostPort,
  stunListenAddr: HostPort,
  database: DatabaseSettings.default({ type: "sqlite" }),
  /** embedded: Headscale's own DERP relay, no internet needed. public: Tailscale's relays. */
  derp: z.enum(["embedded", "public"]).default("embedded"),
  headscalePath: z.string().optional(),
  autoStart: z.boolean().default(true),
  logLines: z.number().int().min(10).max(100_000).default(1000),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error"]).default("info"),
  /** How long an API key made with `keys api` (apiKeys.create) lives unless asked otherwise. */
  apiKeyExpiration: Duration.default(DEFAULT_API_KEY_EXPIRATION),
  clientKeyExpiration: Duration.default("30d"),
  prefixV4: z.string().default("100.64.0.0/10"),
  prefixV6: z.string().default("fd7a:115c:a1e0::/48"),
  bridge: BridgeSettings.default({ mappings: [] }),
  /** The tailnet's DNS (MagicDNS, nameservers, split DNS, extra records); a patch merges field by field. */
  dns: DnsSettings.default(DNS_DEFAULTS),
});
export type Settings = z.infer<typeof Settings>;
/** Optional settings a patch may clear (back to their default) with "" or null. */
export const CLEARABLE_SETTINGS = ["serverUrl", "headscalePath"] as const;

/** Only the keys a caller names: Settings' defaults must not fill in the rest of a patch. */
export const SettingsPatch = z
  .object(
    Object.fromEntries(
      Object.entries(Settings.shape).map(([key, schema]) => {
        const plain = schema instanceof z.ZodDefault ? schema.unwrap() : schema;
        const clearable = (CLEARABLE_SETTINGS as readonly string[]).includes(key);
        return [key, (clearable ? z.union([plain, z.literal(""), z.null()]) : plain).optional()];
      }),
    ),
  )
  // Not stored: it sets listenAddr, serverUrl, stunListenAddr and tls together (config/reach.ts).
  .extend({ reach: Reach.optional() })
  .strict() as unknown as z.ZodType<SettingsPatch>;
export type SettingsPatch = {
  [K in keyof Settings]?: Settings[K] | (K extends (typeof CLEARABLE_SETTINGS)[number] ? "" | null : never);
} & { reach?: Reach };

const NoParams = z.object({}).strict().optional();

/** Headscale 0.29's own rule (util.ValidateUsername), checked here so it is one clear line. */
const UserName = z
  .string()
  .max(MAX_NAME)
  .regex(
    /^\p{L}[\p{L}\p{Nd}._@-]+$/u,
    "at least 2 characters: a letter first, then letters, digits, '-', '.', '_' or one '@'",
  )
  .refine((name) => (name.match(/@/g) ?? []).length <= 1, "at most one '@'");
/**
 * Headscale's ids are 64-bit, but one past 2^53 could not be told apart from its neighbour once
 * decoded, and one past 2^64 would wrap into another node's: refuse both.
 */
const numericId = (what: string) =>
  z
    .string()
    .regex(/^\d{1,16}$/, { message: `a numeric ${what}`, abort: true }) // one reason, not two
    .refine((id) => Number(id) <= Number.MAX_SAFE_INTEGER, `a numeric ${what} below 2^53`);
const NodeId = numericId("node ID");
const Ok = z.object({ ok: z.literal(true) });

const Route = z
  .string()
  .max(64)
  .superRefine((text, ctx) => {
    const problem = routeProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
/** Headscale's own rule (validateTag), checked here so that a refusal is bad input, in one line. */
const Tag = z
  .string()
  .max(MAX_NAME)
  .regex(/^tag:[^\s,]+$/, 'a tag is "tag:" and a name without spaces or commas, e.g. tag:server')
  .refine((tag) => tag.toLowerCase() === tag, "tags are lowercase, e.g. tag:server");
/** A Headscale user by name, as the CLI and Raycast show them. */
const ExistingUser = z.string().min(1).max(MAX_NAME);

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
/** A policy document: HuJSON (JSON with comments and trailing commas), as Headscale reads it. */
/** Headscale's own policies are a few KiB; this leaves room and stays well inside a frame. */
export const MAX_POLICY_BYTES = 512 * 1024;
const PolicyText = z.string().max(MAX_POLICY_BYTES, "a policy of at most 512 KiB");

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

/** The settings as stored, with what they amount to. */
export const ConfigView = z.object({
  settings: Settings,
  configPath: z.string(),
  editedByHand: z.boolean(),
  /** Absent from older helpers. */
  reach: Reach.optional(),
  /** The URL devices log in to. */
  serverUrl: z.string().optional(),
});
export type ConfigView = z.infer<typeof ConfigView>;

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

export const methods = {
  status: { params: NoParams, result: Status },
  "headscale.start": { params: NoParams, result: Status },
  "headscale.stop": { params: NoParams, result: Status },
  "headscale.restart": { params: NoParams, result: Status },

  "nodes.list": {
    params: z
      .object({ user: z.string().max(MAX_NAME).optional() })
      .strict()
      .optional(),
    result: z.array(Node),
  },
  "nodes.rename": { params: z.object({ id: NodeId, name: DnsLabel }).strict(), result: Node },
  "nodes.expire": { params: z.object({ id: NodeId }).strict(), result: Node },
  "nodes.delete": { params: z.object({ id: NodeId }).strict(), result: Ok },
  /** Registers a device that ran `tailscale up` without a key: its registration URL or auth ID. */
  "nodes.register": {
    params: z
      .object({
        /** The URL the device printed, or the hskey-authreq-… ID in it, or a line holding either. */
        key: z.string().min(1).max(4096),
        /** Default: the user of the helper's own account (the person's user name). */
        user: ExistingUser.optional(),
      })
      .strict(),
    result: Node,
  },
  /** Approves and unapproves routes; 0.0.0.0/0 or ::/0 stands for both (an exit node). */
  "nodes.routes": {
    params: z
      .object({
        id: NodeId,
        approve: z.array(Route).max(1000).default([]),
        unapprove: z.array(Route).max(1000).default([]),
      })
      .strict(),
    result: Node,
  },
  /** Replaces the node's tags; Headscale refuses tags the policy's tagOwners do not list. */
  "nodes.tag": { params: z.object({ id: NodeId, tags: z.array(Tag).min(1).max(100) }).strict(), result: Node },

  "users.list": { params: NoParams, result: z.array(User) },
  "users.create": { params: z.object({ name: UserName }).strict(), result: User },
  "users.rename": { params: z.object({ name: ExistingUser, newName: UserName }).strict(), result: User },
  /** A user who still owns nodes is deleted only with force, which deletes those nodes first. */
  "users.delete": {
    params: z.object({ name: ExistingUser, force: z.boolean().default(false) }).strict(),
    result: z.object({ ok: z.literal(true), deletedNodes: z.number() }),
  },

  "apiKeys.create": {
    params: z.object({ expiration: Duration.optional() }).strict().optional(),
    result: z.object({ apiKey: z.string(), expiresAt: z.string() }),
  },
  "apiKeys.list": { params: NoParams, result: z.array(ApiKey) },
  "apiKeys.expire": { params: z.object({ prefix: z.string().min(1) }).strict(), result: Ok },

  "preAuthKeys.mint": {
    params: z
      .object({
        deviceId: z.string().min(1).max(MAX_NAME),
        deviceName: z.string().max(MAX_NAME).optional(),
        account: z.string().min(1).max(MAX_NAME).optional(),
      })
      .strict(),
    result: MintResult,
  },
  /** A key with options, for any user (or none, with tags): unlike mint, never handed out again. */
  "preAuthKeys.create": {
    params: z
      .object({
        /** Default: the user of the helper's own account; none when tags are given and user is null. */
        user: ExistingUser.nullable().optional(),
        reusable: z.boolean().default(false),
        ephemeral: z.boolean().default(false),
        tags: z.array(Tag).max(100).default([]),
        /** Default: the clientKeyExpiration setting. */
        expiration: Duration.optional(),
      })
      .strict(),
    result: CreatedPreAuthKey,
  },
  "preAuthKeys.list": { params: NoParams, result: z.array(PreAuthKey) },
  "preAuthKeys.expire": {
    params: z.object({ id: numericId("pre-auth key ID") }).strict(),
    result: Ok,
  },

  "policy.get": { params: NoParams, result: Policy },
  /** Headscale's verdict on a policy, without applying it. */
  "policy.check": { params: z.object({ policy: PolicyText }).strict(), result: Ok },
  /** Checks, applies and keeps the policy in the history; a rejected one changes nothing. */
  "policy.set": { params: z.object({ policy: PolicyText }).strict(), result: Policy },
  /** Oldest first; at most the last 20. */
  "policy.history": { params: NoParams, result: z.array(PolicyVersion) },
  /** Applies an earlier version: the given one, or the newest that differs from the current policy. */
  "policy.rollback": {
    params: z
      .object({ version: z.number().int().min(1).optional() })
      .strict()
      .optional(),
    result: Policy,
  },

  "logs.tail": {
    params: z
      .object({ lines: z.number().int().min(0).max(100_000).default(100) })
      .strict()
      .optional(),
    result: z.array(LogLine),
  },
  /** Pushes `logs.line` notifications on this connection until it closes or unfollows. */
  "logs.follow": { params: NoParams, result: Ok },
  "logs.unfollow": { params: NoParams, result: Ok },

  "config.get": { params: NoParams, result: ConfigView },
  /** Applies a patch as one transaction: a change Headscale refuses leaves the previous settings. */
  "config.set": { params: z.object({ patch: SettingsPatch }).strict(), result: ConfigView },
  /** Where devices reach this server, checked now: name, /health through the URL, certificate, relay. */
  "server.reachability": { params: NoParams, result: Reachability },

  /**
   * Forwards a tailnet port of this computer's node to a local port, starting the node if needed.
   * Answers once the node runs with an address, or has failed, or after BRIDGE_UP_WAIT_MS.
   */
  "bridge.up": {
    params: z
      .object({
        localPort: Port,
        tailnetPort: Port.optional(),
        account: z.string().min(1).max(MAX_NAME).optional(),
        /** Any name: it is made a DNS label as the machine's own name is ("My Mac" → my-mac). */
        hostname: z.string().min(1).max(MAX_NAME).optional(),
      })
      .strict(),
    result: BridgeStatus,
  },
  /** Removes one mapping, or all of them (and stops the node) without tailnetPort. */
  "bridge.down": { params: z.object({ tailnetPort: Port.optional() }).strict().optional(), result: BridgeStatus },
  "bridge.status": { params: NoParams, result: BridgeStatus },

  "helper.shutdown": { params: NoParams, result: Ok },
  /**
   * Stops the helper as helper.shutdown does, but only if nothing is under way; otherwise says
   * what (`busy`, one phrase) and keeps serving. A client of another build asks this to take over.
   */
  "helper.shutdownIfIdle": {
    params: z
      .object({ forBuild: z.string().max(64).optional() })
      .strict()
      .optional(),
    result: z.object({ stopping: z.boolean(), busy: z.string().nullable() }),
  },
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type ParamsOf<M extends MethodName> = z.input<Methods[M]["params"]>;
export type ParsedParamsOf<M extends MethodName> = z.output<Methods[M]["params"]>;
export type ResultOf<M extends MethodName> = z.output<Methods[M]["result"]>;
/** What a handler may send: fields with a default may be left out. */
export type SentResultOf<M extends MethodName> = z.input<Methods[M]["result"]>;

export const notifications = {
  "logs.line": LogLine,
} as const;

/** JSON-RPC error codes: the standard ones plus ours (-32000…-32099 is the server range). */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  Internal: -32603,
  HeadscaleNotRunning: -32000,
  HeadscaleFailed: -32001,
  ConfigRejected: -32002,
  NotFound: -32003,
  /** A file of the helper's own state cannot be read; it is left as it is for the user. */
  StateDamaged: -32004,
  /** The tailnet bridge cannot work in this helper (no native addon) or refused the request. */
  BridgeUnavailable: -32005,
} as const;

/** How long `bridge.up` waits for the node to run before it answers with the node as it is. */
export const BRIDGE_UP_WAIT_MS = 20_000;

/** The largest request the helper accepts from a client. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * The largest answer a client accepts from the helper: answers grow with the tailnet
 * (5,000 nodes list to about 1.3 MiB), and the helper is trusted, so this only stops a
 * runaway, not a big tailnet.
 */
export const MAX_ANSWER_BYTES = 256 * 1024 * 1024;
