/**
 * The product on a real network, with no test switch anywhere: the helper runs in HOST and is
 * told, through its CLI, to reach the internet with TLS (certificates from Pebble over ACME, or
 * files from a test CA). Two stock Tailscale clients join with keys minted through the helper:
 * one on the LAN, which finds a direct path, and one FAR away whose UDP is dropped, which can
 * only go through Headscale's embedded DERP relay over TLS. Each sends 64 MiB through the bridge
 * on its very first connection. Bad certificate files are refused in one line, and going back to
 * reach=computer works with the node keeping its IPs. Needs root (`npm run test:topology`).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConfigView } from "../../helper/protocol/settings.js";
import type { BridgeStatus, MintResult } from "../../helper/protocol/types.js";
import { removeHome, tempHome } from "../support/fixtures.js";
import { keysInMessage, leaks } from "../support/secret-watch.js";
import { cleanEnv, createTopology, HEADSCALE_NAME, type Topology } from "../../testkit/netns.js";
import { startNamespaceEcho, type NamespaceEcho } from "../../testkit/namespace-echo.js";
import { startHelperIn, type CliResult, type NamespaceHelper } from "../../testkit/namespace-helper.js";
import { fetchInNamespace, serverCertificate, startPebble, type Pebble } from "../../testkit/pebble.js";
import { startStockClient, type StockClient } from "../../testkit/stock-client.js";
import { certificateCases, createTestCa, type TestCa } from "../../testkit/test-ca.js";
import { waitUntil } from "../../testkit/wait.js";

const MiB = 1 << 20;
const TRANSFER = 64 * MiB;
const TAILNET_PORT = 9096;
const HTTPS_URL = `https://${HEADSCALE_NAME}`;

interface Case {
  name: string;
  /** Readies what the case needs; returns the `tls` setting and the trust bundle for SSL_CERT_FILE. */
  prepare(world: World): Promise<{ tls: Record<string, string>; trustFile: string }>;
  /** The issuer the served certificate must name. */
  issuer: (world: World) => RegExp;
}

interface World {
  dir: string;
  net: Topology;
  ca: TestCa;
  pebble?: Pebble;
}

/** Certificates from Pebble over ACME, by one challenge. */
const throughPebble = (challenge: "tls-alpn-01" | "http-01", name: string): Case => ({
  name,
  async prepare(world) {
    world.pebble = await startPebble(world.net.host, world.dir, world.ca);
    return {
      tls: {
        mode: "acme",
        hostname: HEADSCALE_NAME,
        email: "admin@test.internal",
        challenge,
        acmeUrl: world.pebble.directoryUrl,
      },
      trustFile: world.pebble.bundlePath,
    };
  },
  issuer: () => /^Pebble Intermediate CA/,
});

const cases: Case[] = [
  throughPebble("tls-alpn-01", "ACME through Pebble (tls-alpn-01)"),
  throughPebble("http-01", "ACME through Pebble (http-01, Headscale also on port 80)"),
  {
    name: "certificate files from a test CA",
    async prepare(world) {
      const good = await world.ca.leaf("hs", { names: [HEADSCALE_NAME] });
      const trustFile = join(world.dir, "trust-bundle.pem");
      await writeFile(trustFile, world.ca.certPem, { mode: 0o600 });
      return {
        tls: { mode: "files", hostname: HEADSCALE_NAME, certPath: good.certPath, keyPath: good.keyPath },
        trustFile,
      };
    },
    issuer: () => /^Headscale Remote test CA$/,
  },
];

/** Whether a TCP connection to host:port opens from `ns`. */
async function tcpOpen(ns: Topology["lan"], host: string, port: number): Promise<boolean> {
  const program =
    'const s = require("node:net").connect(Number(process.env.PORT), process.env.HOST, () => { console.log("open"); s.destroy() });' +
    's.on("error", () => console.log("closed")); s.setTimeout(5000, () => { console.log("closed"); s.destroy() });';
  const { stdout } = await ns.run(process.execPath, ["-e", program], {
    env: cleanEnv({ HOST: host, PORT: String(port) }),
  });
  return stdout.trim() === "open";
}

for (const testCase of cases) {
  describe(`reach=internet with ${testCase.name}`, () => {
    const world = {} as World;
    let home: string;
    let helper: NamespaceHelper;
    let echo: NamespaceEcho;
    let trustFile: string;
    let tls: Record<string, string>;
    let nodeIp: string;
    const clients: StockClient[] = [];

    /** The CLI in HOST; its stderr must hold no key. */
    const cli = async (args: string[]): Promise<CliResult> => {
      const result = await helper.cli(args);
      leaks.push(...keysInMessage(`stderr of \`${args.join(" ")}\``, result.stderr));
      return result;
    };
    const configView = () => helper.cliJson<ConfigView>(["config", "get"]);
    const bridgeStatus = () => helper.cliJson<BridgeStatus>(["bridge", "status"]);

    /** Polls `get` until `ok` holds; a timeout says what it last returned. */
    async function until<T>(what: string, get: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 90_000) {
      let last: T | undefined;
      const found = await waitUntil(
        async () => {
          last = await get();
          return ok(last) && { value: last };
        },
        { what: () => `${what}; still ${JSON.stringify(last)}`, timeoutMs, intervalMs: 500 },
      );
      return found.value;
    }

    /** A device in `where` that joins with a key minted through the helper, as a user would. */
    async function join_(where: "lan" | "far", deviceId: string): Promise<{ client: StockClient; minted: MintResult }> {
      const minted = await helper.cliJson<MintResult>(["keys", "mint", "--device-id", deviceId]);
      const client = await startStockClient(world.net[where], deviceId, trustFile);
      clients.push(client);
      await client.up(minted.coordinationUrl, minted.preAuthKey);
      return { client, minted };
    }

    let lan: { client: StockClient; minted: MintResult };
    let far: { client: StockClient; minted: MintResult };

    beforeAll(async () => {
      world.dir = await mkdtemp(join(tmpdir(), "hr-topo-"));
      world.net = await createTopology();
      world.ca = await createTestCa(world.dir);
      ({ tls, trustFile } = await testCase.prepare(world));
      echo = await startNamespaceEcho(world.net.host);
      home = await tempHome();
      helper = await startHelperIn(world.net.host, home, { trustFile });
    }, 180_000);

    afterAll(async () => {
      for (const client of clients) await client.stop().catch(() => {});
      await helper?.stop();
      await echo?.stop();
      await world.pebble?.stop();
      await world.net?.destroy();
      if (home) await removeHome(home);
      if (world.dir) await rm(world.dir, { recursive: true, force: true });
    });

    it("switches to reach=internet: Headscale serves https://hs.test.internal on 443 with the certificate", async () => {
      const set = await cli(["config", "set", `tls=${JSON.stringify(tls)}`, "reach=internet"]);
      expect(set.exitCode, `${set.stderr}\n${helper.output()}`).toBe(0);
      const view = await configView();
      expect(view).toMatchObject({ reach: "internet", serverUrl: HTTPS_URL });
      expect(view.settings).toMatchObject({ listenAddr: "0.0.0.0:443", stunListenAddr: "0.0.0.0:3478", tls });
      // Seen from the far device's network, as a device checks it.
      const health = await fetchInNamespace(world.net.far, `${HTTPS_URL}/health`, trustFile);
      expect(health).toContain("pass");
      const cert = await serverCertificate(world.net.lan, HEADSCALE_NAME, 443, trustFile);
      expect(cert.subjectAltName).toContain(`DNS:${HEADSCALE_NAME}`);
      expect(cert.issuer).toMatch(testCase.issuer(world));
      if (tls.challenge === "http-01") {
        // Pebble validated on port 80, and Headscale still listens there (for renewals).
        expect(world.pebble!.log()).toMatch(/set VALID by completed challenge/);
        expect(await tcpOpen(world.net.lan, HEADSCALE_NAME, 80)).toBe(true);
      }
    }, 180_000);

    it("brings this computer's node to Running behind the bridge", async () => {
      const up = await cli(["bridge", "up", "--local-port", String(echo.port), "--tailnet-port", String(TAILNET_PORT)]);
      expect(up.exitCode, up.stderr).toBe(0);
      const status = await until("the node is Running", bridgeStatus, (s) => s.state === "Running" && !!s.ipv4);
      nodeIp = status.ipv4!;
    }, 180_000);

    it("mints keys with the https URL, and both devices join with them", async () => {
      lan = await join_("lan", "lan-device");
      far = await join_("far", "far-device");
      for (const device of [lan, far]) {
        expect(device.minted.coordinationUrl).toBe(HTTPS_URL);
        expect(device.minted.remoteIp).toBe(nodeIp);
        expect((await device.client.status()).BackendState).toBe("Running");
      }
    }, 240_000);

    for (const which of ["lan", "far"] as const) {
      it(`carries 64 MiB intact from the ${which} device on its first connection to the bridge`, async () => {
        const device = which === "lan" ? lan : far;
        const before = echo.connections();
        const result = await device.client.echo(nodeIp, TAILNET_PORT, TRANSFER);
        expect(result, JSON.stringify(result)).toMatchObject({ ok: true, bytes: TRANSFER });
        expect(result.received).toBe(result.sent);
        expect(echo.connections()).toBe(before + 1);
      }, 300_000);
    }

    it("reaches the node directly from the LAN and through the embedded relay from far away", async () => {
      const lanPeer = await until(
        "the LAN device to use a direct path to the node",
        async () => {
          await lan.client.cli(["ping", "--c=1", "--timeout=3s", nodeIp]).catch(() => "");
          return lan.client.peer(nodeIp);
        },
        (peer) => !!peer?.CurAddr,
        30_000,
      );
      // A direct UDP path to either of HOST's addresses (LAN reaches 10.78.0.1 through its default route).
      expect(lanPeer!.CurAddr).toMatch(/^10\.7[78]\.0\.1:\d+$/);
      await far.client.cli(["ping", "--c=1", "--timeout=3s", nodeIp]).catch(() => "");
      const farPeer = await far.client.peer(nodeIp);
      expect(farPeer?.CurAddr ?? "").toBe("");
      expect(farPeer?.Relay).toBe("headscale");
    }, 120_000);

    it("reports reachability in status --json", async () => {
      const status = await helper.cliJson<{ reachability?: Record<string, unknown> }>(["status"]);
      expect(status.reachability).toMatchObject({ reach: "internet", serverUrl: HTTPS_URL, health: { ok: true } });
      expect(status.reachability).toMatchObject({ relay: { ok: true } });
    }, 120_000);

    it("refuses bad certificate files in one line naming the file, and keeps the settings", async () => {
      const before = await configView();
      const bad = await certificateCases(world.ca, HEADSCALE_NAME);
      const attempts = [
        { files: bad.expired, names: bad.expired.certPath, reason: /expired/i },
        {
          files: bad.wrongName,
          names: bad.wrongName.certPath,
          reason: new RegExp(HEADSCALE_NAME.replace(/\./g, "\\.")),
        },
        { files: bad.mismatchedKey, names: bad.mismatchedKey.keyPath, reason: /match/i },
      ];
      for (const { files, names, reason } of attempts) {
        const setting = { mode: "files", hostname: HEADSCALE_NAME, certPath: files.certPath, keyPath: files.keyPath };
        const result = await cli(["config", "set", `tls=${JSON.stringify(setting)}`, "reach=internet"]);
        expect(result.exitCode, result.stderr).toBe(2);
        const message = result.stderr.trim();
        expect(message.split("\n"), message).toHaveLength(1);
        expect(message).toContain(names);
        expect(message).toMatch(reason);
        expect(await configView()).toEqual(before);
      }
    }, 180_000);

    it("goes back to reach=computer: loopback only, and the node keeps its IPs", async () => {
      const set = await cli(["config", "set", "reach=computer"]);
      expect(set.exitCode, set.stderr).toBe(0);
      const view = await configView();
      expect(view.reach).toBe("computer");
      expect(view.serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(view.settings.tls).toEqual({ mode: "off" });
      const status = await until("the node is Running again", bridgeStatus, (s) => s.state === "Running" && !!s.ipv4);
      expect(status.ipv4).toBe(nodeIp);
      // Nothing answers on the network any more.
      await expect(fetchInNamespace(world.net.lan, `${HTTPS_URL}/health`, trustFile)).rejects.toThrow();
    }, 180_000);
  });
}
