/**
 * npm run bench:relay: what the embedded relay costs, on the real topology (testkit/netns.ts, as
 * root, no test switch). The helper in HOST serves https://hs.test.internal with certificate files
 * from a test CA and bridges a tailnet port to an echo in HOST. Two stock clients send the same
 * transfers through the bridge: the LAN one on its direct UDP path (the peer), the FAR one, whose
 * UDP is dropped, through Headscale's DERP over TLS (ours, i.e. what a device away from home gets).
 * Rounds alternate; medians are printed, with Headscale's CPU per relayed GiB (DERP runs in it).
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import type { BridgeStatus, MintResult } from "../helper/protocol/types.js";
import { createTopology, HEADSCALE_NAME, type Namespace } from "../testkit/netns.js";
import { startNamespaceEcho } from "../testkit/namespace-echo.js";
import { startHelperIn } from "../testkit/namespace-helper.js";
import { startStockClient, type StockClient } from "../testkit/stock-client.js";
import { createTestCa } from "../testkit/test-ca.js";
import { waitUntil } from "../testkit/wait.js";
import { printTable, type Row } from "./stats.js";
import { cpuSeconds, median } from "./proc.js";

const MiB = 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_RELAY_ROUNDS ?? 5);
const TRANSFER = Number(process.env.BENCH_RELAY_MIB ?? 64) * MiB;
const PINGS = 20;
const TAILNET_PORT = 9096;

/** The Headscale process among those in HOST. */
async function headscalePid(ns: Namespace): Promise<number> {
  const { stdout } = await execa("ip", ["netns", "pids", ns.name]);
  for (const pid of stdout.split("\n").filter(Boolean)) {
    const comm = await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "");
    if (comm.trim() === "headscale") return Number(pid);
  }
  throw new Error("no Headscale process in HOST");
}

/** Round trips by `tailscale ping` (disco, or TSMP over DERP), in ms. */
async function pings(client: StockClient, ip: string): Promise<number[]> {
  const out = await client
    .cli(["ping", `--c=${PINGS}`, "--until-direct=false", "--timeout=5s", ip])
    .catch((error: { stdout?: string }) => error.stdout ?? "");
  return [...out.matchAll(/ in (\d+(?:\.\d+)?)ms/g)].map((m) => Number(m[1]));
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("bench:relay builds network namespaces: run it as root");
  const dir = await mkdtemp(join(tmpdir(), "hr-relay-"));
  const net = await createTopology();
  const clients: StockClient[] = [];
  let stopHelper = async () => {};
  let stopEcho = async () => {};
  try {
    const ca = await createTestCa(dir);
    const cert = await ca.leaf("hs", { names: [HEADSCALE_NAME] });
    const trustFile = join(dir, "trust.pem");
    await writeFile(trustFile, ca.certPem, { mode: 0o600 });
    const echo = await startNamespaceEcho(net.host);
    stopEcho = () => echo.stop();
    const home = join(dir, "home");
    const helper = await startHelperIn(net.host, home, { trustFile });
    stopHelper = () => helper.stop();
    const tls = { mode: "files", hostname: HEADSCALE_NAME, certPath: cert.certPath, keyPath: cert.keyPath };
    const set = await helper.cli(["config", "set", `tls=${JSON.stringify(tls)}`, "reach=internet"]);
    if (set.exitCode !== 0) throw new Error(`config set: ${set.stderr}`);
    await helper.cli(["bridge", "up", "--local-port", String(echo.port), "--tailnet-port", String(TAILNET_PORT)]);
    const node = await waitUntil(
      async () => {
        const s = await helper.cliJson<BridgeStatus>(["bridge", "status"]);
        return s.state === "Running" && s.ipv4;
      },
      { what: "the node to run", timeoutMs: 90_000, intervalMs: 500 },
    );
    const firstByteMs: Record<string, number> = {};
    // From `tailscale up` to the first byte echoed through the bridge: what a person waits for.
    const join_ = async (ns: Namespace, id: string) => {
      const minted = await helper.cliJson<MintResult>(["keys", "mint", "--device-id", id]);
      const client = await startStockClient(ns, id, trustFile);
      clients.push(client);
      const began = performance.now();
      await client.up(minted.coordinationUrl, minted.preAuthKey);
      await waitUntil(async () => (await client.echo(node, TAILNET_PORT, 1, 10_000).catch(() => undefined))?.ok, {
        what: `${id}'s first echoed byte`,
        timeoutMs: 60_000,
        intervalMs: 100,
      });
      firstByteMs[id] = performance.now() - began;
      return client;
    };
    const lan = await join_(net.lan, "lan-device");
    const far = await join_(net.far, "far-device");
    // Let the LAN path go direct before measuring it.
    await waitUntil(
      async () => {
        await lan.cli(["ping", "--c=1", "--timeout=3s", node]).catch(() => "");
        return !!(await lan.peer(node))?.CurAddr;
      },
      { what: "the LAN device's direct path", timeoutMs: 30_000, intervalMs: 500 },
    );
    const hsPid = await headscalePid(net.host);
    const samples = {
      lan: { mbps: [] as number[], connect: [] as number[] },
      far: { mbps: [] as number[], connect: [] as number[] },
    };
    let relayCpu = 0;
    let directCpu = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, client] of [
        ["lan", lan],
        ["far", far],
      ] as const) {
        const cpuBefore = await cpuSeconds(hsPid);
        const result = await client.echo(node, TAILNET_PORT, TRANSFER);
        if (!result.ok || result.sent !== result.received) throw new Error(`${name}: ${JSON.stringify(result)}`);
        const cpu = (await cpuSeconds(hsPid)) - cpuBefore;
        if (name === "far") relayCpu += cpu;
        else directCpu += cpu;
        // Both directions carry TRANSFER bytes.
        samples[name].mbps.push((2 * TRANSFER) / MiB / ((result.totalMs! - result.connectMs!) / 1000));
        samples[name].connect.push(result.connectMs!);
      }
    }
    const farPeer = await far.peer(node);
    const lanPeer = await lan.peer(node);
    console.log(
      `paths: LAN ${lanPeer?.CurAddr || "relay " + lanPeer?.Relay}, FAR ${farPeer?.CurAddr || "relay " + farPeer?.Relay}`,
    );
    const rttFar = await pings(far, node);
    const rttLan = await pings(lan, node);
    // 64 bytes there and back through the bridge, each on a connection of its own (connect included).
    const echo64 = async (client: StockClient) => {
      const times: number[] = [];
      for (let i = 0; i < PINGS; i++) times.push((await client.echo(node, TAILNET_PORT, 64)).totalMs!);
      return times;
    };
    const [echoFar, echoLan] = [await echo64(far), await echo64(lan)];
    const relayedGiB = (ROUNDS * 2 * TRANSFER) / (1024 * MiB);
    const rows: Row[] = [
      {
        metric: `echo ${TRANSFER / MiB} MiB each way, MB/s`,
        ours: median(samples.far.mbps),
        peer: median(samples.lan.mbps),
        peerName: "direct",
        unit: "MB/s",
        better: "higher",
      },
      {
        metric: "SOCKS connect through the bridge",
        ours: median(samples.far.connect),
        peer: median(samples.lan.connect),
        peerName: "direct",
        unit: "ms",
        better: "lower",
      },
      {
        metric: "tailscale up to the first echoed byte",
        ours: firstByteMs["far-device"]!,
        peer: firstByteMs["lan-device"]!,
        peerName: "direct",
        unit: "ms",
        better: "lower",
      },
      {
        metric: "64-byte echo through the bridge p50 (new connection)",
        ours: median(echoFar),
        peer: median(echoLan),
        peerName: "direct",
        unit: "ms",
        better: "lower",
      },
      {
        metric: "tailscale ping p50",
        ours: median(rttFar),
        peer: median(rttLan),
        peerName: "direct",
        unit: "ms",
        better: "lower",
      },
      {
        metric: "Headscale CPU per GiB carried",
        ours: relayCpu / relayedGiB,
        peer: directCpu / relayedGiB,
        peerName: "direct",
        unit: "s",
        better: "lower",
      },
    ];
    console.log(`\nthe embedded relay (FAR, ours) against a direct path (LAN, peer); ${ROUNDS} rounds, medians`);
    printTable(rows);
  } finally {
    for (const client of clients) await client.stop().catch(() => {});
    await stopHelper().catch(() => {});
    await stopEcho().catch(() => {});
    await net.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
