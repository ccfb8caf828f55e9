/**
 * Headscale's own gRPC API on its unix socket, the way its CLI talks to it: no API key, so no
 * bcrypt check per call. The socket sits in the home (0700) and is the trust boundary.
 */
import * as grpc from "@grpc/grpc-js";
import type { z } from "zod";
import { HeadscaleApiError, type AdminClient } from "../admin-client.js";
import { AdminApiKey, AdminNode, AdminNodeState, AdminPreAuthKey, AdminUser, Responses } from "../admin-schemas.js";
import { pendingRoutes } from "../routes.js";
import { headscaleErrorKind } from "./classify.js";
import { codecs } from "./codec.js";
import type { HeadscaleMethod, HeadscaleRequests } from "./headscale-api.generated.js";
import { describeIssues } from "../../util/issues.js";

const fieldsOf = (schema: z.ZodObject) => Object.keys(schema.shape);
/** Answers read as our schemas read them: nothing else is decoded. */
const readAsSchemas = codecs({
  Node: fieldsOf(AdminNode),
  User: fieldsOf(AdminUser),
  ApiKey: fieldsOf(AdminApiKey),
  PreAuthKey: fieldsOf(AdminPreAuthKey),
});
/** The node counts read only what they count. */
const readNodeStates = codecs({ Node: fieldsOf(AdminNodeState) });
/** Everything Headscale sends, as its CLI reads it: the bench's floor and the test kit's use. */
export const readEverything = codecs();

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // 5,000 nodes are about 4 MB, gRPC's default ceiling.
  "grpc.max_receive_message_length": 256 * 1024 * 1024,
  // HTTP/2's 64 KiB window has Headscale wait for our acknowledgement a dozen times per 1,000
  // nodes; with room for a whole listing, the bench's ListNodes at 1,000 nodes is about 1 ms faster.
  "grpc-node.flow_control_window": 16 * 1024 * 1024,
  // Headscale restarts under us (config set, crashes): reconnect within a second, not minutes.
  "grpc.initial_reconnect_backoff_ms": 100,
  "grpc.max_reconnect_backoff_ms": 1000,
};

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** A channel to Headscale's gRPC service on its unix socket; the bench and the test kit use it bare. */
export function headscaleChannel(socketPath: string): grpc.Client {
  return new grpc.Client(`unix:${socketPath}`, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
}

/** How long an admin call may take: Headscale answers a listing of thousands of nodes well within it. */
const ADMIN_TIMEOUT_MS = 10_000;

/** One call, as a promise; the answer is read with `read` (everything, unless told). */
export function unary<M extends HeadscaleMethod>(
  channel: grpc.Client,
  method: M,
  request: HeadscaleRequests[M],
  { timeoutMs = ADMIN_TIMEOUT_MS, read = readEverything } = {},
): Promise<unknown> {
  const { path, encode, decode } = read(method);
  return new Promise((resolve, reject) =>
    channel.makeUnaryRequest(path, encode, decode, request, { deadline: Date.now() + timeoutMs }, (error, answer) =>
      error ? reject(error) : resolve(answer),
    ),
  );
}

/** gRPC's "No connection established. Last error: …" in words a person can act on. */
function whyUnanswered(details: string, socketPath: string, timeoutMs: number): string {
  if (/ENOENT/.test(details)) return `its socket ${socketPath} does not exist: is it running?`;
  if (/ECONNREFUSED/.test(details)) return `connection refused on ${socketPath}: is it running?`;
  if (/Deadline exceeded/i.test(details)) return `no answer within ${timeoutMs / 1000} s`;
  if (/Failed to connect|closed|dropped|reset|RST_STREAM/i.test(details))
    return "it closed the connection: did it exit?";
  return details || "no connection";
}

const timestamp = (date: Date) => {
  const ms = date.getTime();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
};

export class GrpcAdmin implements AdminClient {
  private channel: grpc.Client | undefined;
  private channelFor: string | undefined;

  constructor(
    /** Read at each call: a hand-edited config.yaml may move it. */
    private readonly socketPath: () => string,
    private readonly timeoutMs = ADMIN_TIMEOUT_MS,
  ) {}

  private connection(): grpc.Client {
    const path = this.socketPath();
    if (!this.channel || this.channelFor !== path) {
      this.channel?.close();
      this.channel = headscaleChannel(path);
      this.channelFor = path;
    }
    return this.channel;
  }

  /**
   * The last answer of each whole-tailnet listing, as Headscale's bytes and as we read them. A
   * listing asked again is mostly unchanged (a view reopened, the counts refreshed): the same bytes
   * are read the same way, so they are not decoded and checked again. One per listing, replaced
   * by the next: about 1.5 MB at 1,000 nodes, plus the 0.4 MB of JSON that nodes.list keeps
   * for a reading (answeredOnce in the RPC server), which goes when the reading does.
   */
  private readonly lastListings = new Map<string, { bytes: Buffer; read: unknown }>();

  private async call<M extends HeadscaleMethod, S extends z.ZodType>(
    method: M,
    request: HeadscaleRequests[M],
    schema: S,
    read = readAsSchemas,
    listing?: string,
  ): Promise<z.output<S>> {
    const codec = read(method);
    let answer: unknown;
    try {
      const raw = listing ? () => ({ ...codec, decode: (bytes: Buffer) => bytes }) : read;
      answer = await unary(this.connection(), method, request, { timeoutMs: this.timeoutMs, read: raw });
    } catch (error) {
      // Not an answer from Headscale (a request that does not encode, say): our own bug, as it is.
      if (typeof (error as grpc.ServiceError).code !== "number") throw error;
      const { code, details } = error as grpc.ServiceError;
      const kind = headscaleErrorKind(method, code, details);
      // "CreatePreAuthKey failed: …", never "CreatePreAuthKey: …", which redaction would take for a key.
      if (kind === "unavailable") {
        const why = whyUnanswered(details, this.channelFor ?? "", this.timeoutMs);
        throw new HeadscaleApiError(kind, `Headscale did not answer ${method} (${why})`);
      }
      throw new HeadscaleApiError(kind, `Headscale ${method} failed: ${details}`, details);
    }
    let bytes: Buffer | undefined;
    if (listing) {
      bytes = answer as Buffer;
      const last = this.lastListings.get(listing);
      if (last?.bytes.equals(bytes)) return last.read as z.output<S>;
      answer = codec.decode(bytes);
    }
    const parsed = schema.safeParse(answer);
    if (!parsed.success) {
      throw new HeadscaleApiError(
        "failed",
        `unexpected answer from Headscale ${method}: ${describeIssues(parsed.error)}`,
      );
    }
    // Shared by every caller from now on: frozen, so that none can change it for the others.
    if (listing && bytes) this.lastListings.set(listing, { bytes, read: deepFreeze(parsed.data) });
    return parsed.data;
  }

  close(): void {
    this.channel?.close();
    this.channel = undefined;
    this.lastListings.clear();
  }

  async listNodes(user?: string) {
    const listing = user ? undefined : "nodes"; // one user's nodes are not kept: there may be many users
    return (await this.call("ListNodes", { user: user ?? "" }, Responses.nodes, readAsSchemas, listing)).nodes;
  }
  async countNodes() {
    const { nodes } = await this.call("ListNodes", {}, Responses.nodeStates, readNodeStates, "node states");
    return {
      total: nodes.length,
      online: nodes.filter((node) => node.online).length,
      pendingRoutes: nodes.reduce((sum, node) => sum + pendingRoutes(node).length, 0),
    };
  }
  async getNode(id: string) {
    return (await this.call("GetNode", { nodeId: id }, Responses.node)).node;
  }
  async renameNode(id: string, name: string) {
    return (await this.call("RenameNode", { nodeId: id, newName: name }, Responses.node)).node;
  }
  async expireNode(id: string) {
    return (await this.call("ExpireNode", { nodeId: id }, Responses.node)).node;
  }
  async deleteNode(id: string) {
    await this.call("DeleteNode", { nodeId: id }, Responses.empty);
  }

  async registerNode(user: string, authId: string) {
    return (await this.call("AuthRegister", { user, authId }, Responses.node)).node;
  }
  async setApprovedRoutes(id: string, routes: string[]) {
    return (await this.call("SetApprovedRoutes", { nodeId: id, routes }, Responses.node)).node;
  }
  async setTags(id: string, tags: string[]) {
    return (await this.call("SetTags", { nodeId: id, tags }, Responses.node)).node;
  }

  async listUsers(name?: string) {
    return (await this.call("ListUsers", { name: name ?? "" }, Responses.users)).users;
  }
  async createUser(name: string) {
    return (await this.call("CreateUser", { name }, Responses.user)).user;
  }

  async renameUser(id: string, newName: string) {
    return (await this.call("RenameUser", { oldId: id, newName }, Responses.user)).user;
  }
  async deleteUser(id: string) {
    await this.call("DeleteUser", { id }, Responses.empty);
  }

  async createApiKey(expiration: Date) {
    return (await this.call("CreateApiKey", { expiration: timestamp(expiration) }, Responses.apiKey)).apiKey;
  }
  async listApiKeys() {
    return (await this.call("ListApiKeys", {}, Responses.apiKeys)).apiKeys;
  }
  async expireApiKey(prefix: string) {
    await this.call("ExpireApiKey", { prefix }, Responses.empty);
  }

  async createPreAuthKey(options: {
    userId: string;
    expiration: Date;
    reusable: boolean;
    ephemeral: boolean;
    tags?: string[];
  }) {
    const request = {
      user: options.userId,
      reusable: options.reusable,
      ephemeral: options.ephemeral,
      expiration: timestamp(options.expiration),
      aclTags: options.tags ?? [],
    };
    return (await this.call("CreatePreAuthKey", request, Responses.preAuthKey)).preAuthKey;
  }
  async listPreAuthKeys() {
    return (await this.call("ListPreAuthKeys", {}, Responses.preAuthKeys)).preAuthKeys;
  }
  async expirePreAuthKey(id: string) {
    await this.call("ExpirePreAuthKey", { id }, Responses.empty);
  }

  async getPolicy() {
    return this.call("GetPolicy", {}, Responses.policy);
  }
  async checkPolicy(policy: string) {
    await this.call("CheckPolicy", { policy }, Responses.empty);
  }
  async setPolicy(policy: string) {
    return this.call("SetPolicy", { policy }, Responses.policy);
  }
}
