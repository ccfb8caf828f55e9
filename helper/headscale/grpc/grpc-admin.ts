/**
 * Headscale's own gRPC API on its unix socket, the way its CLI talks to it: no API key, so no
 * bcrypt check per call. The socket sits in the home (0700) and is the trust boundary.
 */
import * as grpc from "@grpc/grpc-js";
import type { z } from "zod";
import { HeadscaleApiError, type AdminClient } from "../admin-client.js";
import { AdminApiKey, AdminPreAuthKey, AdminUser, Responses } from "../admin-schemas.js";
import { pendingRoutes } from "../routes.js";
import { headscaleErrorKind } from "./classify.js";
import { codecs } from "./codec.js";
import type { HeadscaleMethod, HeadscaleRequests } from "./headscale-api.generated.js";
import { describeIssues } from "../../util/issues.js";
import { readNodeList, readOneNode, WireError, type NodeListing } from "./node-reader.js";

const fieldsOf = (schema: z.ZodObject) => Object.keys(schema.shape);
/** Answers read as our schemas read them: nothing else is decoded. Nodes have their own reader. */
const readAsSchemas = codecs({
  User: fieldsOf(AdminUser),
  ApiKey: fieldsOf(AdminApiKey),
  PreAuthKey: fieldsOf(AdminPreAuthKey),
});
/** Answers kept as Headscale's bytes, for a reader of our own. */
const readBytes = (method: HeadscaleMethod) => ({ ...readEverything(method), decode: (bytes: Buffer) => bytes });
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

const unreadable = (method: HeadscaleMethod, why: string) =>
  new HeadscaleApiError("failed", `unexpected answer from Headscale ${method}: ${why}`);

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
   * The last whole-tailnet listing, as Headscale's bytes and as we read them. A listing asked
   * again is mostly unchanged (a view reopened, the counts refreshed): the same bytes are not read
   * again, and the same array goes back, which the RPC server recognises to send the JSON it made
   * for it last time (answeredOnce). Replaced by the next: about 1.5 MB at 1,000 nodes.
   */
  private lastListing: NodeListing | undefined;

  /** Headscale's answer to one call, read with `read`; its refusals as HeadscaleApiError. */
  private async answer<M extends HeadscaleMethod>(
    method: M,
    request: HeadscaleRequests[M],
    read: typeof readAsSchemas,
  ): Promise<unknown> {
    try {
      return await unary(this.connection(), method, request, { timeoutMs: this.timeoutMs, read });
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
  }

  private async call<M extends HeadscaleMethod, S extends z.ZodType>(
    method: M,
    request: HeadscaleRequests[M],
    schema: S,
  ): Promise<z.output<S>> {
    const parsed = schema.safeParse(await this.answer(method, request, readAsSchemas));
    if (!parsed.success) throw unreadable(method, describeIssues(parsed.error));
    return parsed.data;
  }

  /** A call answered with nodes, read by the node reader. */
  private async callNodes<M extends HeadscaleMethod, T>(
    method: M,
    request: HeadscaleRequests[M],
    read: (bytes: Buffer) => T,
  ): Promise<T> {
    const bytes = (await this.answer(method, request, readBytes)) as Buffer;
    try {
      return read(bytes);
    } catch (error) {
      if (error instanceof WireError) throw unreadable(method, error.message);
      throw error;
    }
  }

  close(): void {
    this.channel?.close();
    this.channel = undefined;
    this.lastListing = undefined;
  }

  async listNodes(user?: string) {
    // One user's nodes are not kept: there may be many users.
    if (user) return this.callNodes("ListNodes", { user }, (bytes) => readNodeList(bytes).nodes);
    return this.callNodes("ListNodes", { user: "" }, (bytes) => {
      if (!this.lastListing?.bytes.equals(bytes)) this.lastListing = readNodeList(bytes, this.lastListing);
      return this.lastListing.nodes;
    });
  }
  async countNodes() {
    const nodes = await this.listNodes();
    return {
      total: nodes.length,
      online: nodes.filter((node) => node.online).length,
      pendingRoutes: nodes.reduce((sum, node) => sum + pendingRoutes(node).length, 0),
    };
  }
  async getNode(id: string) {
    return this.callNodes("GetNode", { nodeId: id }, readOneNode);
  }
  async renameNode(id: string, name: string) {
    return this.callNodes("RenameNode", { nodeId: id, newName: name }, readOneNode);
  }
  async expireNode(id: string) {
    return this.callNodes("ExpireNode", { nodeId: id }, readOneNode);
  }
  async deleteNode(id: string) {
    await this.call("DeleteNode", { nodeId: id }, Responses.empty);
  }

  async registerNode(user: string, authId: string) {
    return this.callNodes("AuthRegister", { user, authId }, readOneNode);
  }
  async setApprovedRoutes(id: string, routes: string[]) {
    return this.callNodes("SetApprovedRoutes", { nodeId: id, routes }, readOneNode);
  }
  async setTags(id: string, tags: string[]) {
    return this.callNodes("SetTags", { nodeId: id, tags }, readOneNode);
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
