/**
 * Headscale 0.29's REST shapes (lowerCamelCase JSON, 64-bit numbers as strings), and
 * their conversion into our protocol types. Only the fields we use are required.
 */
import { z } from "zod";
import type { ApiKey, Node, PreAuthKey, User } from "../protocol/schema.js";

/** Protobuf's zero timestamp: Headscale's way of saying "never". */
const ZERO_TIME = /^0001-01-01T/;
const Time = z
  .string()
  .nullish()
  .transform((value) => (value && !ZERO_TIME.test(value) ? value : null));

export const RestUser = z.object({ id: z.string(), name: z.string(), createdAt: Time });

export const RestNode = z.object({
  id: z.string(),
  name: z.string(),
  givenName: z.string().default(""),
  user: RestUser.nullish(),
  ipAddresses: z.array(z.string()).default([]),
  online: z.boolean().default(false),
  lastSeen: Time,
  expiry: Time,
  createdAt: Time,
});

export const RestApiKey = z.object({
  id: z.string(),
  prefix: z.string(),
  expiration: Time,
  createdAt: Time,
  lastSeen: Time,
});

export const RestPreAuthKey = z.object({
  id: z.string(),
  key: z.string().default(""),
  user: RestUser.nullish(),
  reusable: z.boolean().default(false),
  ephemeral: z.boolean().default(false),
  used: z.boolean().default(false),
  expiration: Time,
  createdAt: Time,
  aclTags: z.array(z.string()).default([]),
});

export const Responses = {
  nodes: z.object({ nodes: z.array(RestNode).default([]) }),
  node: z.object({ node: RestNode }),
  users: z.object({ users: z.array(RestUser).default([]) }),
  user: z.object({ user: RestUser }),
  apiKeys: z.object({ apiKeys: z.array(RestApiKey).default([]) }),
  apiKey: z.object({ apiKey: z.string() }),
  preAuthKeys: z.object({ preAuthKeys: z.array(RestPreAuthKey).default([]) }),
  preAuthKey: z.object({ preAuthKey: RestPreAuthKey }),
  empty: z.object({}).passthrough(),
};

export function toNode(node: z.infer<typeof RestNode>): Node {
  return {
    id: node.id,
    name: node.name,
    givenName: node.givenName || node.name,
    user: node.user?.name ?? "",
    ipAddresses: node.ipAddresses,
    online: node.online,
    lastSeen: node.lastSeen,
    expiry: node.expiry,
    createdAt: node.createdAt,
  };
}

export function toUser(user: z.infer<typeof RestUser>): User {
  return { id: user.id, name: user.name, createdAt: user.createdAt };
}

/** Headscale shows a prefix as "hskey-api-<12 characters>-***"; ours is the bare 12 characters. */
export function toApiKey(key: z.infer<typeof RestApiKey>): ApiKey {
  return { ...key, prefix: key.prefix.replace(/^hskey-api-/, "").replace(/-\*+$/, "") };
}

export function toPreAuthKey(key: z.infer<typeof RestPreAuthKey>): PreAuthKey {
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
