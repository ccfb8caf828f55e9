/**
 * Real Tailscale clients join the Headscale the helper runs, with keys minted through the
 * helper, and reach each other over the embedded DERP relay. Runs only inside a network
 * namespace holding nothing but loopback (`npm run test:e2e` makes one).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onlyLoopback, startTailscaleClient, type TailscaleClient } from "../../testkit/tailscale-client.js";
import { endTailnetSuite, startTestHelper, type TestHelper } from "../support/fixtures.js";
import { waitUntil } from "../../testkit/wait.js";

let t: TestHelper;
const clients: TailscaleClient[] = [];

beforeAll(async () => {
  if (!(await onlyLoopback())) throw new Error("refusing to run a tailnet outside a loopback-only network namespace");
  t = await startTestHelper();
});
afterAll(() => endTailnetSuite(t, clients));

describe("real Tailscale clients", () => {
  it("join with keys minted through the helper and show up online", async () => {
    const { headscale } = await t.client.call("status");
    for (const device of ["laptop", "phone"]) {
      const minted = await t.client.call("preAuthKeys.mint", {
        deviceId: device,
        deviceName: device,
        account: "family",
      });
      clients.push(await startTailscaleClient(device, minted.coordinationUrl, minted.preAuthKey));
    }
    expect(headscale.state).toBe("running");
    const online = await waitUntil(
      async () => {
        const now = (await t.client.call("nodes.list")).filter((n) => n.online);
        return now.length >= 2 && now;
      },
      { what: "both clients to show up online", timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(online.map((n) => n.givenName).sort()).toEqual(["laptop", "phone"]);
    for (const node of online) {
      expect(node.user).toMatch(/^hr-[0-9a-f]{32}$/);
      expect(node.ipAddresses.some((ip) => ip.startsWith("100.64."))).toBe(true);
    }
  });

  it("reach each other through the embedded DERP relay, offline", async () => {
    const [laptop, phone] = clients;
    const phoneIp = (await phone!.cli(["ip", "-4"])).trim();
    // The phone reaches the laptop's netmap a moment after both are up: until then ping says "no matching peer".
    const pong = await waitUntil(
      async () => {
        const out = await laptop!
          .cli(["ping", "--c=5", "--timeout=10s", phoneIp])
          .catch((error: Error) => error.message);
        return /pong from phone/.test(out) && out;
      },
      { what: "a pong from the phone", timeoutMs: 90_000, intervalMs: 1000 },
    );
    expect(pong).toMatch(/pong from phone/);
  });

  it("hands a used single-use key to nobody: the same device gets a fresh one", async () => {
    const again = await t.client.call("preAuthKeys.mint", { deviceId: "laptop", account: "family" });
    expect(again.reused).toBe(false);
    const used = (await t.client.call("preAuthKeys.list")).filter((k) => k.used);
    expect(used.length).toBeGreaterThanOrEqual(2);
  });

  it("counts online nodes for the menu bar", async () => {
    const status = await waitUntil(
      async () => {
        const now = await t.client.call("status");
        return (now.headscale.nodes?.online ?? 0) >= 2 && now;
      },
      { what: "the status counts to show 2 nodes online", timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(status.headscale.nodes).toMatchObject({ online: 2, total: 2 });
  });
});
