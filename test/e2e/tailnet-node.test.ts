/**
 * The native node on its own, and the bridge's key handling, against a real Headscale in a
 * loopback-only namespace (`npm run test:e2e`).
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freeTcpPort } from "../../helper/os/ports.js";
import { loadAddon } from "../../helper/tailnet/addon.js";
import { TailnetNode } from "../../helper/tailnet/node.js";
import type { NodeKey } from "../../helper/tailnet/node-key-store.js";
import type { BridgeStatus } from "../../helper/protocol/types.js";
import { useHelpers, type TestHelper } from "../support/fixtures.js";
import { waitUntil } from "../../testkit/wait.js";
import { onlyLoopback } from "../../testkit/tailscale-client.js";

const { helperFor, later } = useHelpers();
afterEach(async () => {
  if (!(await onlyLoopback())) throw new Error("refusing to run a tailnet outside a loopback-only network namespace");
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "hr-node-"));
  later(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function untilRunning(t: { client: { call: (m: "bridge.status") => Promise<BridgeStatus> } }) {
  let state = "";
  return waitUntil(
    async () => {
      const status = await t.client.call("bridge.status");
      state = status.state;
      return status.state === "Running" && status;
    },
    { what: () => `the bridge's node to be Running; still ${state}`, timeoutMs: 60_000, intervalMs: 100 },
  );
}

/** The bridge's node Running, and listed online by Headscale at its address. */
function untilListedOnline(t: TestHelper, what: string, timing: { timeoutMs: number; intervalMs: number }) {
  return waitUntil(
    async () => {
      const now = await t.client.call("bridge.status");
      const nodes = await t.client.call("nodes.list");
      return now.state === "Running" && nodes.some((n) => n.ipAddresses.includes(now.ipv4!) && n.online) && now;
    },
    { what, ...timing },
  );
}

describe("the native tailnet node", () => {
  it("closes during a pending up, confirmed by Go, not by the wait running out", async () => {
    const nobody = await freeTcpPort(); // a control server that never answers
    const node = new TailnetNode(await loadAddon(), {
      dir: await stateDir(),
      hostname: "pending",
      controlUrl: `http://127.0.0.1:${nobody}`,
      authKey: "unused",
    });
    const started = new Promise<void>((resolve) => node.once("started", resolve));
    node.up();
    await started;
    expect(node.backendState).not.toBe("Running");
    expect(await node.close()).toBe(true);
  });

  it("refuses bad arguments with an error instead of crashing", async () => {
    const addon = await loadAddon();
    expect(() => addon.nodeNew("{not json")).toThrow(/^tailnet: node config/);
    expect(() => addon.nodeNew(JSON.stringify({ dir: "/tmp/x" }))).toThrow(/needs dir, hostname and controlUrl/);
    expect(() => addon.nodeUp(987654)).toThrow(/^tailnet: no node \d+ \(closed\?\)$/);
    const node = new TailnetNode(addon, { dir: await stateDir(), hostname: "early", controlUrl: "http://127.0.0.1:9" });
    expect(() => node.addForward(80, 8080)).toThrow(/not started/);
    expect(() => addon.forwardAdd(1, 0, 8080)).toThrow(/1 to 65535/);
    expect(() => addon.forwardAdd(1, 2 ** 32 + 80, 8080)).toThrow(/1 to 65535/); // not wrapped to 80
    expect(() => addon.forwardAdd(1, 80.5, 8080)).toThrow(/1 to 65535/);
    expect(() => addon.nodeUp("1" as unknown as number)).toThrow(/expected a number/); // not an abort
    expect(await node.close()).toBe(true);
  });
});

describe("the bridge's own key", () => {
  it("is replaced, and the node joins anew, when Headscale's database no longer knows either", async () => {
    const first = await helperFor();
    await first.client.call("bridge.up", { localPort: 18081 });
    await untilRunning(first);
    const keyBefore = await readFile(first.helper.paths.tailnetKey, "utf8");
    await first.close();
    for (const suffix of ["", "-wal", "-shm"]) await rm(first.helper.paths.database + suffix, { force: true });

    const second = await helperFor({ home: first.home });
    // Its cached map may show it "Running" for a moment; joined means Headscale lists it again.
    const status = await untilListedOnline(second, "the node to join anew, listed online by Headscale", {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    expect(status.mappings.map((m) => m.localPort)).toEqual([18081]);
    expect(await readFile(second.helper.paths.tailnetKey, "utf8")).not.toBe(keyBefore);
  });

  it("is replaced when Headscale refuses it, and the node then joins", async () => {
    const t = await helperFor();
    const keyFile = t.helper.paths.tailnetKey;
    // A key Headscale never issued, stored as if an earlier run had provisioned it.
    const bogus: NodeKey = {
      account: (await import("node:os")).userInfo().username,
      user: "hr-nobody",
      keyId: "999",
      preAuthKey: "hskey-auth-" + "0".repeat(12) + "-" + "0".repeat(64),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    };
    await writeFile(keyFile, JSON.stringify(bogus), { mode: 0o600 });
    await t.client.call("bridge.up", { localPort: 18080 });
    await untilRunning(t);
    const stored = JSON.parse(await readFile(keyFile, "utf8")) as NodeKey;
    expect(stored.preAuthKey).not.toBe(bogus.preAuthKey);
    const keys = await t.client.call("preAuthKeys.list");
    expect(keys.find((k) => k.id === stored.keyId)).toMatchObject({ reusable: true, ephemeral: false });
    const logs = await t.client.call("logs.tail", { lines: 1000 });
    expect(logs.some((line) => /\[tailnet\] the node was refused/.test(line.text))).toBe(true);
  });

  it("is kept through four quick listenAddr changes: the same node, the same IP, no new key (#25)", async () => {
    const t = await helperFor();
    await t.client.call("bridge.up", { localPort: 18082 });
    const before = await untilRunning(t);
    const keyBefore = await readFile(t.helper.paths.tailnetKey, "utf8");
    const nodesBefore = await t.client.call("nodes.list");
    // Each change restarts Headscale; the node meets a server in every state of that.
    for (let i = 0; i < 4; i++) {
      await t.client.call("config.set", { patch: { listenAddr: `127.0.0.1:${await freeTcpPort()}` } });
    }
    const after = await untilListedOnline(t, "the node to be back online at the new address", {
      timeoutMs: 90_000,
      intervalMs: 200,
    });
    expect(after.ipv4).toBe(before.ipv4);
    expect(await readFile(t.helper.paths.tailnetKey, "utf8")).toBe(keyBefore);
    const nodes = await t.client.call("nodes.list");
    expect(nodes.map((n) => n.id)).toEqual(nodesBefore.map((n) => n.id));
    const logs = await t.client.call("logs.tail", { lines: 1000 });
    expect(logs.filter((line) => /provisioned a key/.test(line.text))).toHaveLength(1);
  }, 240_000);

  it("moves to another account with bridge.identity: a new node of its user, the old key expired and its node deleted", async () => {
    const t = await helperFor();
    await t.client.call("bridge.up", { localPort: 18084 });
    const before = await untilRunning(t);
    const oldKey = JSON.parse(await readFile(t.helper.paths.tailnetKey, "utf8")) as NodeKey;
    const oldNode = (await t.client.call("nodes.list")).find((n) => n.ipAddresses.includes(before.ipv4!))!;
    const answer = await t.client.call("bridge.identity", { account: "family" });
    expect(answer.account).toBe("family");
    const after = await untilRunning(t);
    const newKey = JSON.parse(await readFile(t.helper.paths.tailnetKey, "utf8")) as NodeKey;
    expect(newKey).toMatchObject({ account: "family" });
    expect(newKey.keyId).not.toBe(oldKey.keyId);
    const nodes = await t.client.call("nodes.list");
    expect(nodes.find((n) => n.ipAddresses.includes(after.ipv4!))?.user).toBe(newKey.user);
    expect(nodes.map((n) => n.id)).not.toContain(oldNode.id);
    const expired = (await t.client.call("preAuthKeys.list")).find((k) => k.id === oldKey.keyId);
    expect(Date.parse(expired!.expiration!)).toBeLessThanOrEqual(Date.now());
    expect(after.mappings.map((m) => m.localPort)).toEqual([18084]);
    expect(JSON.parse(await readFile(t.helper.paths.bridge, "utf8"))).toMatchObject({ account: "family" });
  }, 120_000);

  it("is reported by the name Headscale gives it, in bridge status and in minted keys, after a rename (#25)", async () => {
    const t = await helperFor();
    await t.client.call("bridge.up", { localPort: 18083, hostname: "alpha" });
    const running = await untilRunning(t);
    expect(running.hostname).toBe("alpha");
    const mine = (await t.client.call("nodes.list")).find((n) => n.ipAddresses.includes(running.ipv4!))!;
    await t.client.call("nodes.rename", { id: mine.id, name: "beta" });
    expect((await t.client.call("bridge.status")).hostname).toBe("beta");
    expect((await t.client.call("status")).tailnet?.state).toBe("Running");
    const minted = await t.client.call("preAuthKeys.mint", { deviceId: "phone" });
    expect(minted).toMatchObject({ remoteHostname: "beta", remoteIp: running.ipv4 });
  }, 120_000);
});
