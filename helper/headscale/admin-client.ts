/**
 * What the helper asks of its own Headscale, whatever carries it. Headscale 0.29 answers on its
 * unix socket in gRPC (grpc/grpc-admin.ts); its next release serves HTTP on the same socket,
 * which will be one more implementation of this interface.
 */
import type { z } from "zod";
import type { AdminApiKey, AdminNode, AdminPreAuthKey, AdminUser } from "./admin-schemas.js";

export type HeadscaleNode = z.output<typeof AdminNode>;
export type HeadscaleUser = z.output<typeof AdminUser>;
export type HeadscaleApiKey = z.output<typeof AdminApiKey>;
export type HeadscalePreAuthKey = z.output<typeof AdminPreAuthKey>;

/** Headscale refused or did not answer. `status` follows HTTP: 0 no answer, 404 not found, 400 bad request. */
export class HeadscaleApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HeadscaleApiError";
  }
}

export interface AdminClient {
  /** Every node, or one user's. */
  listNodes(user?: string): Promise<HeadscaleNode[]>;
  /** How many nodes there are, and how many of them are online. */
  countNodes(): Promise<{ total: number; online: number }>;
  getNode(id: string): Promise<HeadscaleNode>;
  renameNode(id: string, name: string): Promise<HeadscaleNode>;
  expireNode(id: string): Promise<HeadscaleNode>;
  deleteNode(id: string): Promise<void>;

  /** Every user, or the one with this name (none when there is no such user). */
  listUsers(name?: string): Promise<HeadscaleUser[]>;
  createUser(name: string): Promise<HeadscaleUser>;

  /** Returns the key itself, which Headscale never shows again. */
  createApiKey(expiration: Date): Promise<string>;
  listApiKeys(): Promise<HeadscaleApiKey[]>;
  expireApiKey(prefix: string): Promise<void>;

  createPreAuthKey(options: {
    userId: string;
    expiration: Date;
    reusable: boolean;
    ephemeral: boolean;
  }): Promise<HeadscalePreAuthKey>;
  listPreAuthKeys(): Promise<HeadscalePreAuthKey[]>;
  expirePreAuthKey(id: string): Promise<void>;

  /** Drops the connection; the next call opens a new one. */
  close(): void;
}
