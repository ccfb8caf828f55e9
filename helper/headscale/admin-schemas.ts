/**
 * Headscale 0.29's answers as its gRPC API gives them (lowerCamelCase, 64-bit numbers as numbers,
 * timestamps as {seconds, nanos}, empty fields left out), and their conversion into our protocol
 * types, where ids are strings. Only the fields we use are required.
 */
import { z } from "zod";
import type { ApiKey, Node, PreAuthKey, User } from "../protocol/types.js";
import type { HeadscaleNode } from "./admin-client.js";

/** Go's zero time (0001-01-01), in Unix seconds: Headscale's way of saying "never". */
export const ZERO_TIME_SECONDS = -62135596800;

/**
 * Listings repeat the same times call after call (when each node was created, when it expires),
 * and formatting a date is a good part of what reading a big listing costs: format each once.
 * Bounded: about 2 MB at the most.
 */
const isoTimes = new Map<number, string>();
export function isoTime(ms: number): string {
  let iso = isoTimes.get(ms);
  if (iso === undefined) {
    if (isoTimes.size >= 20_000) isoTimes.clear();
    iso = new Date(ms).toISOString();
    isoTimes.set(ms, iso);
  }
  return iso;
}

/** A protobuf Timestamp as an ISO string, or null for none and for "never". */
const Time = z
  .object({ seconds: z.number().default(0), nanos: z.number().default(0) })
  .nullish()
  .transform((time) =>
    time && time.seconds > ZERO_TIME_SECONDS ? isoTime(time.seconds * 1000 + Math.floor(time.nanos / 1e6)) : null,
  );

/** Headscale's 64-bit ids, as the strings our protocol uses. */
const Id = z.union([z.number().int().nonnegative(), z.string().min(1)]).transform(String);

// Over gRPC an empty or false field is left out: a name may be missing (Headscale makes OIDC users
// without one), and a key that is not reusable says nothing about it.
const Text = z.string().default("");
const Flag = z.boolean().default(false);
const Texts = z.array(z.string()).default([]);

export const AdminUser = z.object({ id: Id, name: Text, createdAt: Time });

export const AdminApiKey = z.object({ id: Id, prefix: Text, expiration: Time, createdAt: Time, lastSeen: Time });

export const AdminPreAuthKey = z.object({
  id: Id,
  key: Text,
  user: AdminUser.nullish(),
  reusable: Flag,
  ephemeral: Flag,
  used: Flag,
  expiration: Time,
  createdAt: Time,
  aclTags: Texts,
});

export const AdminPolicy = z.object({ policy: Text, updatedAt: Time });

export const Responses = {
  users: z.object({ users: z.array(AdminUser).default([]) }),
  user: z.object({ user: AdminUser }),
  apiKeys: z.object({ apiKeys: z.array(AdminApiKey).default([]) }),
  apiKey: z.object({ apiKey: z.string() }),
  preAuthKeys: z.object({ preAuthKeys: z.array(AdminPreAuthKey).default([]) }),
  preAuthKey: z.object({ preAuthKey: AdminPreAuthKey }),
  policy: AdminPolicy,
  empty: z.object({}).passthrough(),
};

/** Copies the lists: the node read may be shared by every caller of a listing kept unchanged. */
export function toNode(node: HeadscaleNode): Node {
  return {
    id: node.id,
    name: node.name,
    givenName: node.givenName || node.name,
    user: node.user?.name ?? "",
    ipAddresses: [...node.ipAddresses],
    online: node.online,
    lastSeen: node.lastSeen,
    expiry: node.expiry,
    createdAt: node.createdAt,
    tags: [...node.tags],
    availableRoutes: [...node.availableRoutes],
    approvedRoutes: [...node.approvedRoutes],
  };
}

export function toUser(user: z.infer<typeof AdminUser>): User {
  return { id: user.id, name: user.name, createdAt: user.createdAt };
}

/** Headscale shows a prefix as "hskey-api-<12 characters>-***"; ours is the bare 12 characters. */
export function toApiKey(key: z.infer<typeof AdminApiKey>): ApiKey {
  return { ...key, prefix: key.prefix.replace(/^hskey-api-/, "").replace(/-\*+$/, "") };
}

export function toPreAuthKey(key: z.infer<typeof AdminPreAuthKey>): PreAuthKey {
  return {
    id: key.id,
    user: key.user?.name ?? null,
    reusable: key.reusable,
    ephemeral: key.ephemeral,
    used: key.used,
    expiration: key.expiration,
    createdAt: key.createdAt,
    aclTags: key.aclTags,
  };
}
