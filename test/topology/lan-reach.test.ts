/**
 * reach=lan on a real network, no test switch anywhere: plain HTTP on every interface. A device
 * on the LAN joins and reaches the bridge directly. A far device (its UDP dropped) joins too, as
 * control is plain TCP, but no byte gets through: the embedded relay needs TLS, and stock clients
 * will not use it over plain HTTP. The helper must say so in `status`, not leave it to be found.
 * Needs root (`npm run test:topology`).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConfigView } from "../../helper/protocol/settings.js";
import type { BridgeStatus, MintResult, Reachability } from "../../helper/protocol/types.js";
import { removeHome, tempHome } from "../support/fixtures.js";
import { createTopology, HOST_LAN_IP, type Topology } from "../../testkit/netns.js";
import { startNamespaceEcho, type NamespaceEcho } from "../../testkit/namespace-echo.js";
import { startHelperIn, type NamespaceHelper } from "../../testkit/namespace-helper.js";
import { startStockClient, type StockClient } from "../../testkit/stock-client.js";
import { waitUntil } from "../../testkit/wait.js";

const TAILNET_PORT = 9096;
const MiB = 1 << 20;

describe("reach=lan: plain HTTP on the local network", () => {
  let dir: string;
  let net: Topology;
  let home: string;
  let helper: NamespaceHelper;
  let echo: NamespaceEcho;
  let nodeIp: string;
  const clients: StockClient[] = [];

  async function join_(where: "lan" | "far", deviceId: string): Promise<StockClient> {
    const minted = await helper.cliJson<MintResult>(["keys", "mint", "--device-id", deviceId]);
    expect(minted.coordinationUrl).toMatch(new RegExp(`^http://${HOST_LAN_IP.replace(/\./g, "\\.")}:\\d+$`));
    const trust = join(dir, "empty-bundle.pem"); // nothing to trust: no TLS here
    await writeFile(trust, "", { mode: 0o600 });
    const client = await startStockClient(net[where], deviceId, trust);
    clients.push(client);
    await client.up(minted.coordinationUrl, minted.preAuthKey);
    return client;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hr-lan-"));
    net = await createTopology();
    echo = await startNamespaceEcho(net.host);
    home = await tempHome();
    helper = await startHelperIn(net.host, home, { trustFile: join(dir, "none.pem") });
  }, 180_000);

  afterAll(async () => {
    for (const client of clients) await client.stop().catch(() => {});
    await helper?.stop();
    await echo?.stop();
    await net?.destroy();
    if (home) await removeHome(home);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("listens on every interface with a URL on the address the default route leaves from", async () => {
    const set = await helper.cli(["config", "set", "reach=lan"]);
    expect(set.exitCode, set.stderr).toBe(0);
    const view = await helper.cliJson<ConfigView>(["config", "get"]);
    expect(view.reach).toBe("lan");
    expect(view.settings.listenAddr).toMatch(/^0\.0\.0\.0:\d+$/);
    expect(view.serverUrl).toBe(`http://${HOST_LAN_IP}:${view.settings.listenAddr.split(":")[1]}`);
    const up = await helper.cli([
      "bridge",
      "up",
      "--local-port",
      String(echo.port),
      "--tailnet-port",
      String(TAILNET_PORT),
    ]);
    expect(up.exitCode, up.stderr).toBe(0);
    const status = await waitUntil(
      async () => {
        const s = await helper.cliJson<BridgeStatus>(["bridge", "status"]);
        return s.ipv4 ? s : undefined;
      },
      { what: "this computer's node to get an address", timeoutMs: 90_000, intervalMs: 500 },
    );
    nodeIp = status.ipv4!;
  }, 180_000);

  it("carries data from a LAN device, directly", async () => {
    const lan = await join_("lan", "lan-device");
    // With no relay, the first packets wait for the direct path to be found: a few tries, not one.
    const result = await waitUntil(
      async () => {
        const r = await lan.echo(nodeIp, TAILNET_PORT, MiB, 10_000).catch(() => undefined);
        return r?.ok ? r : undefined;
      },
      { what: "1 MiB echoed from the LAN device", timeoutMs: 90_000, intervalMs: 1000 },
    );
    expect(result.received).toBe(result.sent);
    expect((await lan.peer(nodeIp))?.CurAddr).toMatch(/^10\.7[78]\.0\.1:\d+$/);
  }, 180_000);

  it("says plainly that devices elsewhere cannot get through, and what to change", async () => {
    const far = await join_("far", "far-device");
    // Control is plain TCP, so the far device joins; but no path carries its data.
    expect((await far.status()).BackendState).toBe("Running");
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await far.echo(nodeIp, TAILNET_PORT, 1024, 10_000).catch(() => ({ ok: false }));
      expect(result.ok).toBe(false);
    }
    const { reachability } = await helper.cliJson<{ reachability: Reachability }>(["status"]);
    expect(reachability.reach).toBe("lan");
    expect(reachability.relay).toMatchObject({ ok: false, fix: expect.stringMatching(/reach=internet/) });
    expect(reachability.relay.detail).toMatch(/needs TLS/);
    expect(reachability.summary).toMatch(/devices elsewhere cannot get through/);
    const text = await helper.cli(["status"]);
    expect(text.stdout).toMatch(/relay\s+NO\s+Headscale's relay needs TLS/);
  }, 180_000);
});
