/**
 * Headscale 0.29 often says "not found" only in words, under another gRPC code. That is decided
 * once, where its answer is read: the admin client's errors carry the kind, and nothing above
 * reads Headscale's words to find it.
 */
import * as grpc from "@grpc/grpc-js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HeadscaleApiError } from "../../helper/headscale/admin-client.js";
import { headscaleErrorKind } from "../../helper/headscale/grpc/classify.js";
import { GrpcAdmin } from "../../helper/headscale/grpc/grpc-admin.js";
import { NotFoundError, orNotFound } from "../../helper/daemon/errors.js";

describe("the kind of Headscale's refusal, by code and words", () => {
  it.each([
    ["GetNode", grpc.status.NOT_FOUND, "", "not-found"],
    ["GetNode", grpc.status.UNKNOWN, "node not found", "not-found"],
    ["DeleteNode", grpc.status.INTERNAL, "record not found", "not-found"],
    ["SetTags", grpc.status.UNKNOWN, "node 7 no longer exists", "not-found"],
    ["ListNodes", grpc.status.UNKNOWN, "user does not exist", "not-found"],
    ["GetPolicy", grpc.status.UNKNOWN, "acl policy not found", "not-found"],
    // A policy's own contents may name something missing: that is the policy's fault, not a lookup's.
    ["CheckPolicy", grpc.status.INVALID_ARGUMENT, 'user "ghost@" not found', "bad-input"],
    ["SetPolicy", grpc.status.UNKNOWN, 'user "ghost@" not found', "failed"],
    ["CreateUser", grpc.status.ALREADY_EXISTS, "user already exists", "conflict"],
    ["RenameNode", grpc.status.UNKNOWN, "node name is not unique", "failed"],
    ["SetTags", grpc.status.PERMISSION_DENIED, "tag not permitted", "denied"],
    ["GetNode", grpc.status.UNAVAILABLE, "not found", "unavailable"],
    ["ListNodes", grpc.status.DEADLINE_EXCEEDED, "", "unavailable"],
  ] as const)("%s, status %s, %j: %s", (method, code, details, kind) => {
    expect(headscaleErrorKind(method, code, details)).toBe(kind);
  });
});

describe("at the edge: the admin client's errors", () => {
  let dir: string;
  let server: grpc.Server;
  let admin: GrpcAdmin;
  /** What the stand-in Headscale answers each method with. */
  const answers = new Map<string, { code: grpc.status; details: string }>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hsr-kind-"));
    server = new grpc.Server();
    for (const method of ["GetNode", "DeleteNode", "CheckPolicy", "GetPolicy"]) {
      server.register(
        `/headscale.v1.HeadscaleService/${method}`,
        (_call: unknown, callback: grpc.sendUnaryData<Buffer>) => callback(answers.get(method)!, null),
        (value: Buffer) => value,
        (bytes: Buffer) => bytes,
        "unary",
      );
    }
    const socket = join(dir, "headscale.sock");
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    admin = new GrpcAdmin(() => socket, 5000);
  });
  afterAll(async () => {
    admin.close();
    server.forceShutdown();
    await rm(dir, { recursive: true, force: true });
  });

  const refusal = (call: Promise<unknown>) =>
    call.then(
      () => expect.fail("no refusal"),
      (error: unknown) => error,
    );

  it("reads Headscale's 'record not found' under UNKNOWN as not found, and the helper says its plain line", async () => {
    answers.set("DeleteNode", { code: grpc.status.UNKNOWN, details: "record not found" });
    const error = await refusal(admin.deleteNode("9999"));
    expect(error).toBeInstanceOf(HeadscaleApiError);
    expect(error).toMatchObject({ kind: "not-found", reason: "record not found" });
    const plain = await refusal(orNotFound(admin.deleteNode("9999"), "no node with id 9999"));
    expect(plain).toBeInstanceOf(NotFoundError);
    expect((plain as Error).message).toBe("no node with id 9999");
  });

  it("keeps a policy's refusal that names a missing user a refusal, not a missing thing", async () => {
    answers.set("CheckPolicy", { code: grpc.status.UNKNOWN, details: 'user "ghost@" not found' });
    expect(await refusal(admin.checkPolicy("{}"))).toMatchObject({ kind: "failed" });
  });

  it("passes a refusal that is not about a missing thing through as it is", async () => {
    answers.set("GetNode", { code: grpc.status.INTERNAL, details: "database is locked" });
    const error = await refusal(orNotFound(admin.getNode("1"), "no node with id 1"));
    expect(error).toMatchObject({ kind: "failed", message: "Headscale GetNode failed: database is locked" });
  });

  it("takes 'acl policy not found' as no policy set", async () => {
    answers.set("GetPolicy", { code: grpc.status.UNKNOWN, details: "acl policy not found" });
    expect(await refusal(admin.getPolicy())).toMatchObject({ kind: "not-found" });
  });
});
