/**
 * What the helper asks of its own Headscale, whatever carries it. Headscale 0.29 answers on its
 * unix socket in gRPC (grpc/grpc-admin.ts); its next release serves HTTP on the same socket,
 * which will be one more implementation of this interface.
 */
import type { z } from "zod";
import { HelperFailure, type ErrorKind } from "../util/failure.js";
import type { AdminApiKey, AdminPolicy, AdminPreAuthKey, AdminUser } from "./admin-schemas.js";

/** A node as the helper reads it (grpc/node-reader.ts): the fields it uses, absent ones empty. */
export interface HeadscaleNode {
  readonly id: string;
  readonly name: string;
  readonly givenName: string;
  readonly user: { readonly id: string; readonly name: string } | null;
  readonly ipAddresses: readonly string[];
  readonly online: boolean;
  readonly lastSeen: string | null;
  readonly expiry: string | null;
  readonly createdAt: string | null;
  readonly tags: readonly string[];
  readonly availableRoutes: readonly string[];
  readonly approvedRoutes: readonly string[];
}

export type HeadscaleUser = z.output<typeof AdminUser>;
export type HeadscaleApiKey = z.output<typeof AdminApiKey>;
export type HeadscalePreAuthKey = z.output<typeof AdminPreAuthKey>;
export type HeadscalePolicy = z.output<typeof AdminPolicy>;

/**
 * Headscale refused or did not answer. Its kind is decided where its answer is read (grpc/): it did
 * not answer ("unavailable"), has no such thing ("not-found"), refused the request as asked
 * ("bad-input"; "conflict" for something that already exists; "denied"), or failed otherwise,
 * an answer we cannot read included. `reason` is Headscale's own words, when it gave any.
 */
export class HeadscaleApiError extends HelperFailure {
  constructor(
    kind: ErrorKind,
    message: string,
    readonly reason = "",
  ) {
    super(kind, message);
    this.name = "HeadscaleApiError";
  }
}

export interface AdminClient {
  /** Every node, or one user's. */
  listNodes(user?: string): Promise<readonly HeadscaleNode[]>;
  /** How many nodes there are, how many of them are online, and how many routes await approval. */
  countNodes(): Promise<{ total: number; online: number; pendingRoutes: number }>;
  getNode(id: string): Promise<HeadscaleNode>;
  renameNode(id: string, name: string): Promise<HeadscaleNode>;
  expireNode(id: string): Promise<HeadscaleNode>;
  deleteNode(id: string): Promise<void>;
  /** Registers a device waiting at /register/<authId> (it ran `tailscale up` without a key) to a user. */
  registerNode(user: string, authId: string): Promise<HeadscaleNode>;
  /** Replaces the routes approved for the node; Headscale approves 0.0.0.0/0 and ::/0 together. */
  setApprovedRoutes(id: string, routes: string[]): Promise<HeadscaleNode>;
  /** Replaces the node's tags (at least one: 0.29 cannot give a tagged node back to a user). */
  setTags(id: string, tags: string[]): Promise<HeadscaleNode>;

  /** Every user, or the one with this name (none when there is no such user). */
  listUsers(name?: string): Promise<HeadscaleUser[]>;
  createUser(name: string): Promise<HeadscaleUser>;
  renameUser(id: string, newName: string): Promise<HeadscaleUser>;
  /** Refused while the user still owns nodes. */
  deleteUser(id: string): Promise<void>;

  /** Returns the key itself, which Headscale never shows again. */
  createApiKey(expiration: Date): Promise<string>;
  listApiKeys(): Promise<HeadscaleApiKey[]>;
  expireApiKey(prefix: string): Promise<void>;

  createPreAuthKey(options: {
    userId: string;
    expiration: Date;
    reusable: boolean;
    ephemeral: boolean;
    tags?: string[];
  }): Promise<HeadscalePreAuthKey>;
  listPreAuthKeys(): Promise<HeadscalePreAuthKey[]>;
  expirePreAuthKey(id: string): Promise<void>;

  /** The policy Headscale holds in its database ("" when none: everything is allowed). */
  getPolicy(): Promise<HeadscalePolicy>;
  /** Headscale's own judgement of a policy, against its users and nodes; throws its reason. */
  checkPolicy(policy: string): Promise<void>;
  /** Refused unless the config's policy.mode is "database". */
  setPolicy(policy: string): Promise<HeadscalePolicy>;

  /** Drops the connection; the next call opens a new one. */
  close(): void;
}
