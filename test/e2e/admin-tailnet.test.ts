/**
 * The tailnet admin features against real Tailscale clients: a device that ran `tailscale up`
 * without a key is registered through the helper; routes and an exit node a client offers are
 * approved through the helper and a second client sees them; tags set through the helper reach
 * the other clients too; MagicDNS, a base domain and extra records set as settings reach their
 * resolvers. Routes are a documentation range (192.0.2.0/24): nothing is sent there.
 * Runs only inside a network namespace holding nothing but loopback (`npm run test:e2e`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  onlyLoopback,
  startTailscaleClient,
  startUnregisteredClient,
  type TailscaleClient,
} from "../../testkit/tailscale-client.js";
import { endTailnetSuite, startTestHelper, type TestHelper } from "../support/fixtures.js";
import { waitUntil } from "../../testkit/wait.js";
import { ErrorCode } from "../../helper/protocol/errors.js";
import { type Node } from "../../helper/protocol/types.js";

const SUBNET = "192.0.2.0/24";
let t: TestHelper;
const clients: TailscaleClient[] = [];
let observer: TailscaleClient;

interface PeerView {
  HostName: string;
  PrimaryRoutes?: string[] | null;
  ExitNodeOption?: boolean;
  Tags?: string[] | null;
}
/** What the observer's own Tailscale says about the router. */
async function routerAsSeen(): Promise<PeerView | undefined> {
  const status = JSON.parse(await observer.cli(["status", "--json"])) as { Peer?: Record<string, PeerView> };
  return Object.values(status.Peer ?? {}).find((peer) => peer.HostName === "router");
}

async function nodeNamed(name: string): Promise<Node | undefined> {
  return (await t.client.call("nodes.list")).find((node) => node.givenName === name);
}

beforeAll(async () => {
  if (!(await onlyLoopback())) throw new Error("refusing to run a tailnet outside a loopback-only network namespace");
  t = await startTestHelper();
  const join = async (device: string, options = {}) => {
    const minted = await t.client.call("preAuthKeys.mint", { deviceId: device, account: "admin-e2e" });
    const client = await startTailscaleClient(device, minted.coordinationUrl, minted.preAuthKey, options);
    clients.push(client);
    return client;
  };
  await join("router", { advertiseRoutes: [SUBNET], exitNode: true });
  observer = await join("observer");
});
afterAll(() => endTailnetSuite(t, clients));

describe("routes and exit nodes", () => {
  it("shows what a node offers as waiting, in the listing and in the counts", async () => {
    const offered = await waitUntil(
      async () => {
        const node = await nodeNamed("router");
        return node && node.availableRoutes.length === 3 && node;
      },
      { what: "the router's routes to reach Headscale", timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(offered.availableRoutes.sort()).toEqual(["0.0.0.0/0", SUBNET, "::/0"].sort());
    expect(offered.approvedRoutes).toEqual([]);
    // The counts refresh in the background: the menu bar's number comes from them, not from a listing.
    const counts = await waitUntil(
      async () => {
        const nodes = (await t.client.call("status")).headscale.nodes;
        return nodes?.pendingRoutes === 3 && nodes;
      },
      { what: "the counts to see 3 waiting routes", timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(counts.pendingRoutes).toBe(3);
    // Unapproved, nothing reaches the other clients.
    expect((await routerAsSeen())?.PrimaryRoutes ?? []).toEqual([]);
    expect((await routerAsSeen())?.ExitNodeOption ?? false).toBe(false);
  });

  it("approves a subnet and an exit node, and another client sees both", async () => {
    const router = (await nodeNamed("router"))!;
    // "0.0.0.0/0" alone stands for the pair, as the CLI's `exit` does.
    const updated = await t.client.call("nodes.routes", { id: router.id, approve: [SUBNET, "0.0.0.0/0"] });
    expect(updated.approvedRoutes.sort()).toEqual(["0.0.0.0/0", SUBNET, "::/0"].sort());
    const seen = await waitUntil(
      async () => {
        const peer = await routerAsSeen();
        return peer?.PrimaryRoutes?.includes(SUBNET) && peer.ExitNodeOption && peer;
      },
      { what: "the observer to see the router's subnet and exit node", timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(seen.PrimaryRoutes).toEqual([SUBNET]);
    await waitUntil(async () => (await t.client.call("status")).headscale.nodes?.pendingRoutes === 0, {
      what: "the counts to see no waiting route",
      timeoutMs: 30_000,
      intervalMs: 250,
    });
  });

  it("unapproves the subnet, and the other client stops seeing it while the exit node stays", async () => {
    const router = (await nodeNamed("router"))!;
    const updated = await t.client.call("nodes.routes", { id: router.id, unapprove: [SUBNET] });
    expect(updated.approvedRoutes.sort()).toEqual(["0.0.0.0/0", "::/0"]);
    const seen = await waitUntil(
      async () => {
        const peer = await routerAsSeen();
        return peer && !(peer.PrimaryRoutes ?? []).includes(SUBNET) && peer;
      },
      { what: "the observer to stop seeing the subnet", timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(seen.ExitNodeOption).toBe(true);
  });
});

describe("tags", () => {
  it("refuses a tag the policy does not own, with Headscale's reason, and changes nothing", async () => {
    const router = (await nodeNamed("router"))!;
    const refused = await t.client.call("nodes.tag", { id: router.id, tags: ["tag:web"] }).catch((e: Error) => e);
    expect(refused).toMatchObject({ code: ErrorCode.InvalidParams });
    expect((refused as Error).message).toMatch(/tag:web.*not permitted.*tagOwners/);
    expect((await nodeNamed("router"))!.tags).toEqual([]);
  });

  it("tags a node once the policy owns the tag, and the other client sees the tag", async () => {
    const owner = (await nodeNamed("router"))!.user;
    await t.client.call("policy.set", {
      policy: JSON.stringify({
        tagOwners: { "tag:web": [`${owner}@`] },
        acls: [{ action: "accept", src: ["*"], dst: ["*:*"] }],
      }),
    });
    const router = (await nodeNamed("router"))!;
    const tagged = await t.client.call("nodes.tag", { id: router.id, tags: ["tag:web"] });
    expect(tagged.tags).toEqual(["tag:web"]);
    const seen = await waitUntil(
      async () => {
        const peer = await routerAsSeen();
        return peer?.Tags?.includes("tag:web") && peer;
      },
      { what: "the observer to see the router's tag", timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(seen.Tags).toEqual(["tag:web"]);
  });

  it("joins a device with a tagged key made with options", async () => {
    const key = await t.client.call("preAuthKeys.create", { tags: ["tag:web"], ephemeral: true, expiration: "1h" });
    expect(key).toMatchObject({ tags: ["tag:web"], ephemeral: true, reusable: false });
    clients.push(await startTailscaleClient("tagged", key.coordinationUrl, key.preAuthKey));
    const node = await waitUntil(async () => (await nodeNamed("tagged"))?.online && nodeNamed("tagged"), {
      what: "the tagged device online",
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    expect(node!.tags).toEqual(["tag:web"]);
  });
});

describe("registering a device that ran `tailscale up` without a key", () => {
  it("registers it from what a person would paste, and it comes online as that user", async () => {
    await t.client.call("users.create", { name: "visitor" });
    const { client, authUrl, joined } = await startUnregisteredClient(
      "walk-in",
      (await t.client.call("status")).headscale.serverUrl,
    );
    clients.push(client);
    expect(authUrl).toMatch(/\/register\/hskey-authreq-/);
    // The words around the URL, as copied from a terminal.
    const node = await t.client.call("nodes.register", {
      key: `To authenticate, visit:\n\n\t${authUrl}\n`,
      user: "visitor",
    });
    expect(node).toMatchObject({ givenName: "walk-in", user: "visitor" });
    await joined; // its `tailscale up` returns once it is in
    const state = JSON.parse(await client.cli(["status", "--json"])) as { BackendState: string };
    expect(state.BackendState).toBe("Running");
    await waitUntil(async () => (await nodeNamed("walk-in"))?.online, {
      what: "the registered device online",
      timeoutMs: 60_000,
      intervalMs: 200,
    });
  });

  it("says so when nobody waits with that key", async () => {
    const stale = "http://127.0.0.1:1/register/hskey-authreq-AAAAAAAAAAAAAAAAAAAAAAAA";
    const refused = await t.client.call("nodes.register", { key: stale }).catch((e: Error) => e);
    expect(refused).toMatchObject({ code: ErrorCode.NotFound });
    expect((refused as Error).message).toMatch(/no device is waiting/);
  });
});

describe("DNS", () => {
  /** What the observer's own resolver (100.100.100.100, inside tailscaled) answers for a name. */
  const resolve = (name: string) => observer.cli(["dns", "query", name, "A"]).catch((error: Error) => error.message);

  it("turns MagicDNS on with a base domain and an extra record, and the clients use them", async () => {
    await t.client.call(
      "config.set",
      {
        patch: {
          dns: {
            magicDns: true,
            baseDomain: "tail.example",
            extraRecords: [{ name: "grafana.tail.example", type: "A", value: "100.64.0.77" }],
          },
        },
      },
      { timeoutMs: 90_000 },
    );
    await waitUntil(
      async () =>
        (JSON.parse(await observer.cli(["status", "--json"])) as { MagicDNSSuffix?: string }).MagicDNSSuffix ===
        "tail.example",
      { what: "the observer to take tail.example as its MagicDNS suffix", timeoutMs: 90_000, intervalMs: 250 },
    );
    const answer = await waitUntil(async () => /100\.64\.0\.77/.test(await resolve("grafana.tail.example")) && true, {
      what: "the extra record to resolve on the observer",
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    expect(answer).toBe(true);
    // MagicDNS proper: the router by its name under the base domain.
    const routerIp = (await nodeNamed("router"))!.ipAddresses.find((ip) => ip.includes("."))!;
    expect(await resolve("router.tail.example")).toContain(routerIp);
  });

  it("changes an extra record without restarting Headscale, and the clients follow", async () => {
    const pid = (await t.client.call("status")).headscale.pid;
    await t.client.call("config.set", {
      patch: { dns: { extraRecords: [{ name: "grafana.tail.example", type: "A", value: "100.64.0.78" }] } },
    });
    await waitUntil(async () => /100\.64\.0\.78/.test(await resolve("grafana.tail.example")), {
      what: "the changed record to resolve on the observer",
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    expect((await t.client.call("status")).headscale.pid).toBe(pid);
    expect((await t.client.call("config.get")).settings.dns.magicDns).toBe(true); // the patch merged
  });
});
