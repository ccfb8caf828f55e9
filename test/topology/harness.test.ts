/**
 * The real-topology harness checked on its own, with a bare Headscale (no helper): Headscale gets
 * its certificate from Pebble over ACME (TLS-ALPN-01 really validated on port 443), two stock
 * clients join over https, and the paths are what the topology promises: LAN direct, FAR through
 * the embedded DERP relay over TLS. If this fails, the product suite next to it cannot pass.
 * Needs root (`npm run test:topology`).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../helper/project.js";
import { cleanEnv, createTopology, HEADSCALE_NAME, type Topology } from "../../testkit/netns.js";
import { startNamespaceEcho, type NamespaceEcho } from "../../testkit/namespace-echo.js";
import { startInNamespace, stopAll, type NamespaceService } from "../../testkit/namespace-service.js";
import { fetchInNamespace, serverCertificate, startPebble, type Pebble } from "../../testkit/pebble.js";
import { startStockClient, type StockClient } from "../../testkit/stock-client.js";
import { createTestCa } from "../../testkit/test-ca.js";
import { waitUntil } from "../../testkit/wait.js";

const MiB = 1 << 20;
const SERVE_PORT = 9096;

let dir: string;
let net: Topology;
let pebble: Pebble;
let headscale: NamespaceService | undefined;
let echo: NamespaceEcho;
const clients: StockClient[] = [];
let server: StockClient;
let lan: StockClient;
let far: StockClient;

const bin = (name: string) => join(projectRoot()!, ".tools", "bin", name);

async function headscaleCli(args: string[]): Promise<string> {
  const { stdout } = await net.host.run(bin("headscale"), ["-c", join(dir, "config.yaml"), ...args], {
    env: cleanEnv(),
  });
  return stdout;
}

async function mintKey(userId: string): Promise<string> {
  const out = JSON.parse(await headscaleCli(["preauthkeys", "create", "-u", userId, "-e", "1h", "-o", "json"]));
  return out.key as string;
}

async function join_(ns: "host" | "lan" | "far", hostname: string, key: string): Promise<StockClient> {
  const client = await startStockClient(net[ns], hostname, pebble.bundlePath);
  clients.push(client);
  await client.up(`https://${HEADSCALE_NAME}`, key);
  return client;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hr-topo-"));
  net = await createTopology();
  const ca = await createTestCa(dir);
  pebble = await startPebble(net.host, dir, ca);
  // JSON is YAML: the same keys the product's generated config uses, with ACME through Pebble.
  await writeFile(
    join(dir, "config.yaml"),
    JSON.stringify({
      server_url: `https://${HEADSCALE_NAME}`,
      listen_addr: "0.0.0.0:443",
      grpc_listen_addr: "127.0.0.1:0",
      metrics_listen_addr: "",
      noise: { private_key_path: join(dir, "noise.key") },
      prefixes: { v4: "100.64.0.0/10", v6: "fd7a:115c:a1e0::/48", allocation: "sequential" },
      derp: {
        server: {
          enabled: true,
          region_id: 999,
          region_code: "headscale",
          region_name: "Headscale Embedded DERP",
          stun_listen_addr: "0.0.0.0:3478",
          private_key_path: join(dir, "derp.key"),
          automatically_add_embedded_derp_region: true,
        },
        urls: [],
        paths: [],
        auto_update_enabled: false,
      },
      disable_check_updates: true,
      database: { type: "sqlite", sqlite: { path: join(dir, "db.sqlite"), write_ahead_log: true } },
      log: { level: "info", format: "text" },
      dns: { magic_dns: false, override_local_dns: false, nameservers: { global: [] } },
      policy: { mode: "database" },
      unix_socket: join(dir, "hs.sock"),
      unix_socket_permission: "0700",
      logtail: { enabled: false },
      acme_url: pebble.directoryUrl,
      acme_email: "admin@test.internal",
      tls_letsencrypt_hostname: HEADSCALE_NAME,
      tls_letsencrypt_cache_dir: join(dir, "acme"),
      tls_letsencrypt_challenge_type: "TLS-ALPN-01",
    }),
    { mode: 0o600 },
  );
  const started = startInNamespace(net.host, "Headscale", {
    file: bin("headscale"),
    args: ["serve", "-c", join(dir, "config.yaml")],
    env: cleanEnv({ SSL_CERT_FILE: pebble.bundlePath }),
  });
  headscale = started;
  // The first TLS handshake makes Headscale order its certificate from Pebble.
  await started.until(
    () =>
      fetchInNamespace(net.lan, `https://${HEADSCALE_NAME}/health`, pebble.bundlePath).then(
        (body) => body.includes("pass"),
        () => false,
      ),
    {
      what: () => `Headscale to answer over https; it said:\n${started.output()}\nPebble:\n${pebble.log()}`,
      timeoutMs: 90_000,
      intervalMs: 500,
    },
  );
  await headscaleCli(["users", "create", "smoke"]);
  const users = JSON.parse(await headscaleCli(["users", "list", "-o", "json"])) as { id: number | string }[];
  const userId = String(users[0]!.id);
  echo = await startNamespaceEcho(net.host);
  server = await join_("host", "server", await mintKey(userId));
  await server.cli(["serve", "--bg", "--tcp", String(SERVE_PORT), `tcp://127.0.0.1:${echo.port}`]);
  lan = await join_("lan", "lan-device", await mintKey(userId));
  far = await join_("far", "far-device", await mintKey(userId));
}, 240_000);

afterAll(async () => {
  await stopAll(...clients, echo, headscale, pebble);
  await net?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the real-topology harness (bare Headscale, ACME via Pebble)", () => {
  it("got Headscale's certificate from Pebble by a validated challenge", async () => {
    expect(pebble.log()).toMatch(/set VALID by completed challenge/);
    expect(pebble.log()).toMatch(/Issued certificate serial/);
    const cert = await serverCertificate(net.far, HEADSCALE_NAME, 443, pebble.bundlePath);
    expect(cert).toMatchObject({ subjectAltName: `DNS:${HEADSCALE_NAME}` });
    expect(cert.issuer).toMatch(/^Pebble Intermediate CA/);
  });

  it("cannot be reached from FAR over UDP, but can over TCP", async () => {
    const udp = await net.far.run(
      process.execPath,
      [
        "-e",
        'require("dgram").createSocket("udp4").send("x", 3478, "10.77.0.1", (e) => { console.log(e ? e.code : "sent"); process.exit(0) })',
      ],
      { env: cleanEnv() },
    );
    expect(udp.stdout.trim()).toBe("EPERM");
    const health = await fetchInNamespace(net.far, `https://${HEADSCALE_NAME}/health`, pebble.bundlePath);
    expect(health).toContain("pass");
  });

  for (const which of ["lan", "far"] as const) {
    it(`carries 64 MiB intact from the ${which} device, on its first connection`, async () => {
      const client = which === "lan" ? lan : far;
      const serverIp = (await server.status()).Self.TailscaleIPs![0]!;
      const result = await client.echo(serverIp, SERVE_PORT, 64 * MiB);
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
      expect(result.received).toBe(result.sent);
    }, 300_000);
  }

  it("takes a direct path from LAN and the DERP relay from FAR", async () => {
    const serverIp = (await server.status()).Self.TailscaleIPs![0]!;
    // Path discovery settles after the first packets: look a few times.
    const lanPeer = await waitUntil(
      async () => {
        await lan.cli(["ping", "--c=1", "--timeout=3s", serverIp]).catch(() => "");
        const peer = await lan.peer(serverIp);
        return peer?.CurAddr ? peer : undefined;
      },
      { what: "LAN to use a direct path", timeoutMs: 30_000, intervalMs: 500 },
    );
    // Either of HOST's addresses: LAN reaches 10.78.0.1 too, through its default route.
    expect(lanPeer.CurAddr).toMatch(/^10\.7[78]\.0\.1:\d+$/);
    await far.cli(["ping", "--c=1", "--timeout=3s", serverIp]).catch(() => "");
    const farPeer = await far.peer(serverIp);
    expect(farPeer?.CurAddr ?? "").toBe("");
    expect(farPeer?.Relay).toBe("headscale");
  });
});
