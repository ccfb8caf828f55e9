/**
 * The helper's wire contract: every JSON-RPC method's params and result, declared once.
 * The helper validates params with these schemas; clients validate results with them.
 */
import { z } from "zod";
import { routeProblem } from "../util/cidr.js";
import { ConfigView, SettingsPatch } from "./settings.js";
import {
  BridgeStatus,
  CreatedPreAuthKey,
  DnsLabel,
  Duration,
  LogLine,
  MAX_NAME,
  MintResult,
  Node,
  Policy,
  PolicyVersion,
  Port,
  PreAuthKey,
  ApiKey,
  Reachability,
  Status,
  User,
} from "./types.js";

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

/** A policy document: HuJSON (JSON with comments and trailing commas), as Headscale reads it. */
/** Headscale's own policies are a few KiB; this leaves room and stays well inside a frame. */
export const MAX_POLICY_BYTES = 512 * 1024;
const PolicyText = z.string().max(MAX_POLICY_BYTES, "a policy of at most 512 KiB");

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
   * Answers once the node runs with an address, or has failed, or after BRIDGE_UP_WAIT_MS. An
   * account or hostname changes the node's identity first, as bridge.identity does.
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
  /**
   * A new account (a new node: a new key, a fresh login) or hostname (renamed in Headscale too) for
   * this computer's node. Answers as bridge.up does, once the node runs again or has failed.
   */
  "bridge.identity": {
    params: z
      .object({
        account: z.string().min(1).max(MAX_NAME).optional(),
        /** Any name: it is made a DNS label as the machine's own name is ("My Mac" → my-mac). */
        hostname: z.string().min(1).max(MAX_NAME).optional(),
      })
      .strict()
      .refine((p) => p.account !== undefined || p.hostname !== undefined, "give an account, a hostname or both"),
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

/** How long `bridge.up` (and `bridge.identity`) waits for the node to run before it answers with the node as it is. */
export const BRIDGE_UP_WAIT_MS = 20_000;

/** The largest request the helper accepts from a client. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * The largest answer a client accepts from the helper: answers grow with the tailnet
 * (5,000 nodes list to about 1.3 MiB), and the helper is trusted, so this only stops a
 * runaway, not a big tailnet.
 */
export const MAX_ANSWER_BYTES = 256 * 1024 * 1024;
