/**
 * Headscale's Node messages read straight from the wire into the shape the helper uses.
 *
 * A listing of 5,000 nodes went through protobufjs (a message object, a Long per 64-bit number,
 * then a plain copy) and zod (a third copy, every field checked again): about 90 ms, most of a
 * listing's cost, for checks the wire format already makes. A string field is a string, a bool a
 * bool and an id an unsigned varint by construction; what is left to decide (absent fields, Go's
 * zero time) is decided here once. The field numbers come from the pinned Headscale's own
 * description, so a renamed or renumbered field fails at load, not silently at run time.
 */
import { HEADSCALE_API } from "./headscale-api.generated.js";
import type { HeadscaleNode } from "../admin-client.js";
import { isoTime, ZERO_TIME_SECONDS } from "../admin-schemas.js";

type Fields = Record<string, { id: number; type: string }>;
const messages = (
  HEADSCALE_API as { nested: { headscale: { nested: { v1: { nested: Record<string, { fields: Fields }> } } } } }
).nested.headscale.nested.v1.nested;

/** The wire numbers of the named fields, checked against their types. */
function numbers<K extends string>(message: string, wanted: Record<K, string>): Record<K, number> {
  const fields = messages[message]?.fields ?? {};
  const out = {} as Record<K, number>;
  for (const [name, type] of Object.entries(wanted) as [K, string][]) {
    const field = fields[name];
    if (field?.type !== type) throw new Error(`Headscale's API has no ${type} field ${message}.${name}`);
    out[name] = field.id;
  }
  return out;
}

const NODE = numbers("Node", {
  id: "uint64",
  name: "string",
  givenName: "string",
  user: "User",
  ipAddresses: "string",
  online: "bool",
  lastSeen: "google.protobuf.Timestamp",
  expiry: "google.protobuf.Timestamp",
  createdAt: "google.protobuf.Timestamp",
  tags: "string",
  availableRoutes: "string",
  approvedRoutes: "string",
});
const USER = numbers("User", { id: "uint64", name: "string" });
/** google.protobuf.Timestamp's fixed numbers. */
const SECONDS = 1;
const NANOS = 2;
/** ListNodesResponse.nodes and GetNodeResponse.node (and the other single-node answers). */
const LISTED = numbers("ListNodesResponse", { nodes: "Node" }).nodes;
const ANSWERED = numbers("GetNodeResponse", { node: "Node" }).node;

const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;
const FIXED32 = 5;

/** Unreadable bytes: never expected from Headscale, so the caller reports the answer as unreadable. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireError";
  }
}

class Reader {
  constructor(
    readonly bytes: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  /** An unsigned varint up to 2^53, exact; protobuf's ids and lengths. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.end) throw new WireError("a number runs past the end");
      const byte = this.bytes[this.pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
      if (scale > 2 ** 63) throw new WireError("a number longer than 10 bytes");
    }
  }

  /** A signed 64-bit varint (two's complement, as Go writes a negative int64), as a number. */
  int64(): number {
    const start = this.pos;
    const value = this.varint();
    if (value < 2 ** 63) return value;
    // Negative (Go's zero time, say): 64 bits, which a number cannot hold exactly; read again as a BigInt.
    let bits = 0n;
    for (let at = start, shift = 0n; at < this.pos; at++, shift += 7n) bits |= BigInt(this.bytes[at]! & 0x7f) << shift;
    return Number(BigInt.asIntN(64, bits));
  }

  /** The bounds of a length-delimited field, moving past it. */
  length(): number {
    const size = this.varint();
    const start = this.pos;
    if (start + size > this.end) throw new WireError("a field runs past the end");
    this.pos = start + size;
    return start;
  }

  string(): string {
    const start = this.length();
    return this.bytes.toString("utf8", start, this.pos);
  }

  /** The reader for the message in the field just begun. */
  message(): Reader {
    const start = this.length();
    return new Reader(this.bytes, start, this.pos);
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.varint();
    else if (wireType === LENGTH) this.length();
    else if (wireType === FIXED64) this.pos += 8;
    else if (wireType === FIXED32) this.pos += 4;
    else throw new WireError(`wire type ${wireType}`);
    if (this.pos > this.end) throw new WireError("a field runs past the end");
  }
}

/**
 * A Timestamp as an ISO string, or null for "never" (Go's zero time). int64 seconds beyond 2^53
 * lose precision in `int64`, which can only matter for dates no node has.
 */
function readTime(reader: Reader): string | null {
  let seconds = 0;
  let nanos = 0;
  while (reader.pos < reader.end) {
    const key = reader.varint();
    if (key === (SECONDS << 3) + VARINT) seconds = reader.int64();
    else if (key === (NANOS << 3) + VARINT) nanos = reader.int64();
    else reader.skip(key & 7);
  }
  return seconds > ZERO_TIME_SECONDS ? isoTime(seconds * 1000 + Math.floor(nanos / 1e6)) : null;
}

function readUser(reader: Reader): { id: string; name: string } {
  let id = 0;
  let name = "";
  while (reader.pos < reader.end) {
    const key = reader.varint();
    const field = key >>> 3;
    if (field === USER.id && (key & 7) === VARINT) id = reader.varint();
    else if (field === USER.name && (key & 7) === LENGTH) name = reader.string();
    else reader.skip(key & 7);
  }
  return { id: String(id), name };
}

// Lists are mostly empty: one shared frozen empty list instead of thousands of new ones.
const NONE: readonly string[] = Object.freeze([]);
const add = (list: readonly string[], item: string): string[] =>
  list === NONE ? [item] : ((list as string[]).push(item), list as string[]);

function readNode(reader: Reader): HeadscaleNode {
  let id = 0;
  let name = "";
  let givenName = "";
  let user: HeadscaleNode["user"] = null;
  let ipAddresses = NONE;
  let online = false;
  let lastSeen: string | null = null;
  let expiry: string | null = null;
  let createdAt: string | null = null;
  let tags = NONE;
  let availableRoutes = NONE;
  let approvedRoutes = NONE;
  while (reader.pos < reader.end) {
    const key = reader.varint();
    const field = key >>> 3;
    const wireType = key & 7;
    // A field of another wire type than the description's is not the field we know: skipped.
    if (wireType === VARINT) {
      if (field === NODE.id) id = reader.varint();
      else if (field === NODE.online) online = reader.varint() !== 0;
      else reader.skip(wireType);
    } else if (wireType === LENGTH) {
      if (field === NODE.name) name = reader.string();
      else if (field === NODE.givenName) givenName = reader.string();
      else if (field === NODE.ipAddresses) ipAddresses = add(ipAddresses, reader.string());
      // Headscale sends a node's user once; a repeated one replaces it (protobuf would merge).
      else if (field === NODE.user) user = readUser(reader.message());
      else if (field === NODE.lastSeen) lastSeen = readTime(reader.message());
      else if (field === NODE.expiry) expiry = readTime(reader.message());
      else if (field === NODE.createdAt) createdAt = readTime(reader.message());
      else if (field === NODE.tags) tags = add(tags, reader.string());
      else if (field === NODE.availableRoutes) availableRoutes = add(availableRoutes, reader.string());
      else if (field === NODE.approvedRoutes) approvedRoutes = add(approvedRoutes, reader.string());
      else reader.skip(wireType);
    } else reader.skip(wireType);
  }
  // Headscale numbers nodes from 1; proto3 leaves a 0 out, so no id at all reads as 0.
  if (id === 0) throw new WireError("a node without an id");
  return {
    id: String(id),
    name,
    givenName,
    user,
    ipAddresses,
    online,
    lastSeen,
    expiry,
    createdAt,
    tags,
    availableRoutes,
    approvedRoutes,
  };
}

/**
 * A ListNodesResponse as read: its bytes, where each node's message lies in them, and the nodes.
 * Kept by the caller to read the next listing against.
 */
export interface NodeListing {
  readonly bytes: Buffer;
  /** Start and end of each node's message in `bytes`. */
  readonly spans: readonly number[];
  readonly nodes: readonly HeadscaleNode[];
  /** Where each node id's message is, by its place in `nodes`. */
  readonly places: ReadonlyMap<number, number>;
}

/**
 * Every node of a ListNodesResponse. A node whose bytes are the same as in `previous` is that
 * listing's node object, not read again: after a change, a listing of 5,000 nodes reads the nodes
 * that changed, however many came or went.
 */
export function readNodeList(bytes: Buffer, previous?: NodeListing): NodeListing {
  const reader = new Reader(bytes, 0, bytes.length);
  const spans: number[] = [];
  const nodes: HeadscaleNode[] = [];
  const places = new Map<number, number>();
  while (reader.pos < reader.end) {
    const key = reader.varint();
    if (key !== (LISTED << 3) + LENGTH) {
      reader.skip(key & 7);
      continue;
    }
    const message = reader.message();
    const id = idOf(message);
    if (id !== undefined) places.set(id, nodes.length);
    spans.push(message.pos, message.end);
    nodes.push(sameAs(previous, id, message) ?? readNode(message));
  }
  return { bytes, spans, nodes, places };
}

/**
 * The node's id when it comes first, as Go writes fields in their numbers' order; else undefined,
 * and the node is simply read.
 */
function idOf(message: Reader): number | undefined {
  const { bytes, pos, end } = message;
  if (pos >= end || bytes[pos] !== (NODE.id << 3) + VARINT) return undefined;
  const peek = new Reader(bytes, pos + 1, end);
  return peek.varint();
}

function sameAs(previous: NodeListing | undefined, id: number | undefined, message: Reader): HeadscaleNode | undefined {
  const at = id === undefined ? undefined : previous?.places.get(id);
  if (at === undefined) return undefined;
  const start = previous!.spans[2 * at]!;
  const end = previous!.spans[2 * at + 1]!;
  const same =
    end - start === message.end - message.pos &&
    message.bytes.compare(previous!.bytes, start, end, message.pos, message.end) === 0;
  return same ? previous!.nodes[at] : undefined;
}

/** The node of a GetNodeResponse, RenameNodeResponse, and the like. */
export function readOneNode(bytes: Buffer): HeadscaleNode {
  const reader = new Reader(bytes, 0, bytes.length);
  let node: HeadscaleNode | undefined;
  while (reader.pos < reader.end) {
    const key = reader.varint();
    if (key === (ANSWERED << 3) + LENGTH) node = readNode(reader.message());
    else reader.skip(key & 7);
  }
  if (!node) throw new WireError("node is missing");
  return node;
}
