/** Nodes, users, API keys and per-device client keys through the helper, on a real Headscale. */
import { readFile, readdir, stat, writeFile } from "node:fs/promises";
import { createConnection } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountUserName } from "../../helper/accounts/user-name.js";
import { ErrorCode } from "../../helper/protocol/errors.js";
import { methods } from "../../helper/protocol/methods.js";
import { createFakeNodes, removeHome, startTestHelper, type TestHelper } from "../support/fixtures.js";
import { keysInArgv } from "../support/secret-watch.js";
import { waitUntil } from "../../testkit/wait.js";
import { headscaleChannel, unary } from "../../helper/headscale/grpc/grpc-admin.js";

let t: TestHelper;
beforeAll(async () => {
  t = await startTestHelper();
});
afterAll(async () => {
  await t.close();
  await removeHome(t.home);
});

describe("admin access", () => {
  it("needs no API key: Headscale's socket serves every admin call without one", async () => {
    // Run first in this file: nobody has made an API key yet, and none may appear.
    expect(await t.client.call("apiKeys.list")).toEqual([]);
    await t.client.call("users.create", { name: "keyless" });
    await t.client.call("nodes.list");
    const minted = await t.client.call("preAuthKeys.mint", { deviceId: "keyless-1", account: "keyless" });
    expect(minted.preAuthKey).toMatch(/^hskey-auth-/);
    await t.client.call("preAuthKeys.list");
    await t.client.call("users.list");
    expect(await t.client.call("apiKeys.list")).toEqual([]);
    await expect(stat(t.helper.paths.legacyApiKey)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("expires the API key an older helper left in the home, and removes its file", async () => {
    const { apiKey } = await t.client.call("apiKeys.create", { expiration: "90d" });
    const prefix = apiKey.slice("hskey-api-".length, "hskey-api-".length + 12);
    // What earlier helpers kept in secrets/api-key.json.
    await writeFile(
      t.helper.paths.legacyApiKey,
      JSON.stringify({ key: apiKey, expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString() }),
      { mode: 0o600 },
    );
    await t.client.call("headscale.restart", undefined, { timeoutMs: 90_000 });
    await waitUntil(
      () =>
        stat(t.helper.paths.legacyApiKey).then(
          () => false,
          () => true,
        ),
      {
        what: "the old API key file to be removed",
        timeoutMs: 60_000,
      },
    );
    const listed = (await t.client.call("apiKeys.list")).find((k) => k.prefix === prefix);
    expect(Date.parse(listed!.expiration!)).toBeLessThanOrEqual(Date.now());
  });

  it("creates, lists and expires API keys for the user", async () => {
    const created = await t.client.call("apiKeys.create", { expiration: "1d" });
    expect(created.apiKey).toMatch(/^hskey-api-/);
    expect(Date.parse(created.expiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    const prefix = created.apiKey.slice("hskey-api-".length, "hskey-api-".length + 12);
    const response = await fetch(new URL("/api/v1/user", (await t.client.call("status")).headscale.serverUrl), {
      headers: { authorization: `Bearer ${created.apiKey}` },
    });
    expect(response.status).toBe(200);
    await t.client.call("apiKeys.expire", { prefix });
    const listed = (await t.client.call("apiKeys.list")).find((k) => k.prefix === prefix);
    expect(Date.parse(listed!.expiration!)).toBeLessThanOrEqual(Date.now());
  });
});

describe("nodes", () => {
  it("lists, renames, expires and deletes registered nodes", async () => {
    await t.client.call("users.create", { name: "alice" });
    await createFakeNodes(t.helper.paths.headscaleSocket, "alice", 3);
    const nodes = await t.client.call("nodes.list");
    expect(nodes).toHaveLength(3);
    for (const node of nodes) {
      expect(node.user).toBe("alice");
      expect(node.ipAddresses.some((ip) => ip.startsWith("100.64."))).toBe(true);
      expect(node.online).toBe(false);
    }
    const [first, second, third] = nodes;

    const renamed = await t.client.call("nodes.rename", { id: first!.id, name: "living-room" });
    expect(renamed.givenName).toBe("living-room");

    const expired = await t.client.call("nodes.expire", { id: second!.id });
    expect(Date.parse(expired.expiry!)).toBeLessThanOrEqual(Date.now());

    await t.client.call("nodes.delete", { id: third!.id });
    const after = await t.client.call("nodes.list");
    expect(after.map((n) => n.id).sort()).toEqual([first!.id, second!.id].sort());
    expect(after.find((n) => n.id === first!.id)?.givenName).toBe("living-room");

    const missing = await t.client.call("nodes.delete", { id: "99999" }).catch((e) => e);
    expect({ code: missing.code, message: missing.message }).toEqual({
      code: ErrorCode.NotFound,
      message: "no node with id 99999",
    });

    // Status counts come from a background refresh that node changes trigger.
    const status = await waitUntil(
      async () => {
        const now = await t.client.call("status");
        return now.headscale.nodes?.total === 2 && now;
      },
      { what: "the status counts to show 2 nodes", timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(status.headscale.nodes).toMatchObject({ total: 2, online: 0 });
  });
});

describe("listings asked again", () => {
  it("show what changed in Headscale meanwhile, even when the change was made without the helper", async () => {
    await t.client.call("users.create", { name: "relisted" });
    await createFakeNodes(t.helper.paths.headscaleSocket, "relisted", 2, 2, 500);
    const before = await t.client.call("nodes.list");
    expect(await t.client.call("nodes.list")).toEqual(before); // unchanged: read the same
    const node = before.find((n) => n.user === "relisted")!;
    const channel = headscaleChannel(t.helper.paths.headscaleSocket);
    await unary(channel, "RenameNode", { nodeId: node.id, newName: "renamed-outside" });
    channel.close();
    const after = await t.client.call("nodes.list");
    expect(after.find((n) => n.id === node.id)!.givenName).toBe("renamed-outside");
    expect(after).toHaveLength(before.length);
  });

  it("answer the same inside a batch, where a listing kept as text is serialized with the rest", async () => {
    const alone = await t.client.call("nodes.list");
    const socket = createConnection(t.helper.paths.helperSocket).setEncoding("utf8");
    let text = "";
    try {
      const batch = [1, 2].map((id) => ({ jsonrpc: "2.0", id, method: "nodes.list" }));
      socket.write(JSON.stringify(batch) + "\n");
      for await (const chunk of socket) {
        text += chunk;
        if (text.endsWith("\n")) break;
      }
    } finally {
      socket.destroy();
    }
    const answers = JSON.parse(text) as { id: number; result: unknown }[];
    expect(answers.map((answer) => answer.id).sort()).toEqual([1, 2]);
    // As a client reads it: the lists a listing leaves out when empty come back from the schema.
    for (const answer of answers) expect(methods["nodes.list"].result.parse(answer.result)).toEqual(alone);
  });
});

describe("client keys per device", () => {
  it("maps an account to one deterministic user and dedups keys per device", async () => {
    const first = await t.client.call("preAuthKeys.mint", {
      deviceId: "phone-1",
      deviceName: "Phone",
      account: "ann@example.com",
    });
    expect(first.preAuthKey).toMatch(/^hskey-auth-/);
    expect(first.user).toBe(accountUserName("ann@example.com"));
    expect(first.coordinationUrl).toBe((await t.client.call("status")).headscale.serverUrl);
    expect(first.reused).toBe(false);
    expect(Date.parse(first.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);

    const again = await t.client.call("preAuthKeys.mint", { deviceId: "phone-1", account: "ann@example.com" });
    expect(again).toMatchObject({ preAuthKey: first.preAuthKey, reused: true, user: first.user });

    const other = await t.client.call("preAuthKeys.mint", { deviceId: "tablet", account: "ann@example.com" });
    expect(other.preAuthKey).not.toBe(first.preAuthKey);
    expect(other.user).toBe(first.user);

    const otherAccount = await t.client.call("preAuthKeys.mint", { deviceId: "phone-1", account: "bob@example.com" });
    expect(otherAccount.user).not.toBe(first.user);

    const users = await t.client.call("users.list");
    expect(users.filter((u) => u.name === first.user)).toHaveLength(1);
  });

  it("gives the same device the same key even when it asks many times at once", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => t.client.call("preAuthKeys.mint", { deviceId: "burst" })),
    );
    expect(new Set(results.map((r) => r.preAuthKey)).size).toBe(1);
  });

  it("mints a new key once the old one was expired", async () => {
    const first = await t.client.call("preAuthKeys.mint", { deviceId: "laptop" });
    const listed = await t.client.call("preAuthKeys.list");
    const id = listed.find((k) => k.device?.startsWith("laptop ") && !k.used)!.id;
    await t.client.call("preAuthKeys.expire", { id });
    const second = await t.client.call("preAuthKeys.mint", { deviceId: "laptop" });
    expect(second.reused).toBe(false);
    expect(second.preAuthKey).not.toBe(first.preAuthKey);
  });

  it("never lists a key's secret, logs it or leaves it outside 0600 files", async () => {
    const minted = await t.client.call("preAuthKeys.mint", { deviceId: "secret-check" });
    const { apiKey } = await t.client.call("apiKeys.create", { expiration: "1d" });
    const listing = JSON.stringify(await t.client.call("preAuthKeys.list"));
    expect(listing).not.toContain(minted.preAuthKey);
    const logs = JSON.stringify(await t.client.call("logs.tail", { lines: 100_000 }));
    expect(logs).not.toContain(minted.preAuthKey);
    expect(logs).not.toContain(apiKey);
    for (const dir of [t.home, `${t.home}/logs`, `${t.home}/state`]) {
      for (const name of await readdir(dir)) {
        const path = `${dir}/${name}`;
        if (!(await stat(path)).isFile()) continue;
        const text = await readFile(path, "latin1");
        if (text.includes(minted.preAuthKey) || text.includes(apiKey)) {
          // Headscale's own database holds keys by design; every other file that does must be private.
          if (!name.startsWith("headscale.db")) expect.fail(`${path} holds a key`);
        }
      }
    }
    expect((await stat(t.helper.paths.deviceKeys)).mode & 0o777).toBe(0o600);
    // Nothing we run gets a key on its command line (the suite-wide watch samples this all along).
    expect(await keysInArgv()).toEqual([]);
  });
});

describe("database", () => {
  it("is the one this pass is about (SQLite, or PostgreSQL with HSR_TEST_DATABASE=postgres)", async () => {
    const { settings } = await t.client.call("config.get");
    const config = await readFile(t.helper.paths.headscaleConfig, "utf8");
    const sqliteFile = await stat(t.helper.paths.database).then(
      () => true,
      () => false,
    );
    if (process.env.HSR_TEST_PG) {
      expect(settings.database.type).toBe("postgres");
      expect(config).toMatch(/type: postgres/);
      expect(config).not.toMatch(/pw-\d+/); // the password stays in its file
      expect(sqliteFile).toBe(false);
    } else {
      expect(settings.database.type).toBe("sqlite");
      expect(sqliteFile).toBe(true);
    }
  });
});
