/**
 * npm run bench (second part): the tailnet bridge against the peer that does the same job,
 * side by side in one run, inside a loopback-only namespace.
 *  - ours:    tailnet → the helper's node (tsnet in our addon) → local echo
 *  - peer:    tailnet → a userspace tailscaled whose serve config forwards the port in Go
 *             (`tailscale serve --tcp`, i.e. TCPForward) → the same echo
 *  - ceiling: raw loopback TCP to the echo
 * The same client (a userspace tailscaled's SOCKS5 proxy) drives both. Rounds alternate and
 * medians are printed; server CPU comes from /proc, which is steadier than MB/s on shared cores.
 * Then the memory trade-off: the helper restarted at several Go memory limits, RSS and
 * throughput after the same 1 GiB transfer, against tailscaled's RSS.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { HelperClient } from "../helper/client/helper-client.js";
import { HELPER_ENV, HELPER_NODE_FLAGS, helperEntry, projectRoot } from "../helper/project.js";
import { homePaths } from "../helper/home/paths.js";
import { freeTcpPort } from "../helper/os/ports.js";
import { waitForExit } from "../helper/os/process-info.js";
import { DEFAULT_MEMORY_LIMIT_MIB } from "../helper/tailnet/addon.js";
import { dialTailnet } from "../testkit/local-services.js";
import { onlyLoopback, startTailscaleClient, type TailscaleClient } from "../testkit/tailscale-client.js";
import { percentile, printTable, type Row } from "./stats.js";

const MiB = 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_BRIDGE_ROUNDS ?? 5);
const TRANSFER = Number(process.env.BENCH_BRIDGE_MIB ?? 128) * MiB;
const MEMORY_TRANSFER = 1024 * MiB;
const LIMITS_MIB = (process.env.BENCH_BRIDGE_LIMITS ?? "0,512,256,192").split(",").map(Number);
const PING_COUNT = 500;
const UP_ROUNDS = 6;
const TAILNET_PORT = 9096;
const median = (samples: number[]) => percentile(samples, 50);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds (user + system) a process has used so far. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** An echo in its own process, so neither server's CPU figure includes it. */
async function startEcho(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freeTcpPort();
  const child = spawn(
    process.execPath,
    [
      "-e",
      `require("net").createServer({allowHalfOpen:true},s=>{s.on("error",()=>{});s.pipe(s)}).listen(${port},"127.0.0.1",()=>console.log("up"))`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise((resolve) => child.stdout!.once("data", resolve));
  return { port, child };
}

const block = randomBytes(MiB);

/** Sends `bytes` through an echo while reading them back; MB/s each way. */
async function pump(socket: Socket, bytes: number): Promise<number> {
  const began = performance.now();
  let received = 0;
  const done = new Promise<void>((resolve, reject) => {
    socket.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received >= bytes) resolve();
    });
    socket.once("error", reject);
    socket.once("close", () => received < bytes && reject(new Error(`closed after ${received} bytes`)));
  });
  for (let sent = 0; sent < bytes; sent += MiB) {
    if (!socket.write(block)) await new Promise((resolve) => socket.once("drain", resolve));
  }
  await done;
  socket.destroy();
  return bytes / 1e6 / ((performance.now() - began) / 1000);
}

/** 64-byte round trips on one connection; milliseconds each. */
async function pingPong(socket: Socket, count: number): Promise<number[]> {
  const message = Buffer.alloc(64, 7);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const began = performance.now();
    await new Promise<void>((resolve) => {
      let got = 0;
      const onData = (chunk: Buffer) => {
        got += chunk.length;
        if (got >= 64) {
          socket.off("data", onData);
          resolve();
        }
      };
      socket.on("data", onData);
      socket.write(message);
    });
    samples.push(performance.now() - began);
  }
  socket.destroy();
  return samples;
}

interface Path {
  name: string;
  dial(): Promise<Socket>;
  /** The server process whose CPU the path costs (none for the ceiling). */
  pid?: number;
}

async function measure(path: Path, bytes: number) {
  const cpuBefore = path.pid ? await cpuSeconds(path.pid) : 0;
  const mbps = await pump(await path.dial(), bytes);
  const cpu = path.pid ? (await cpuSeconds(path.pid)) - cpuBefore : 0;
  return { mbps, cpuPerGiB: cpu / (bytes / (1024 * MiB)) };
}

async function main(): Promise<void> {
  if (!(await onlyLoopback())) throw new Error("run the bench in a loopback-only namespace: npm run bench does");
  const root = projectRoot()!;
  const home = await mkdtemp(join(tmpdir(), "hrbb-"));
  const paths = homePaths(home, tmpdir());
  const echo = await startEcho();
  const clients: TailscaleClient[] = [];
  let helper: ChildProcess | undefined;
  let client: HelperClient | undefined;

  const spawnHelper = async (limitMiB = DEFAULT_MEMORY_LIMIT_MIB) => {
    helper = spawn(process.execPath, [...HELPER_NODE_FLAGS, helperEntry(), "--home", home], {
      stdio: "ignore",
      env: { ...process.env, ...HELPER_ENV, HEADSCALE_REMOTE_TAILNET_MEMORY_LIMIT_MIB: String(limitMiB) },
    });
    client = undefined;
    while (!client)
      client = await HelperClient.connect(paths.helperSocket).catch(() => sleep(50).then(() => undefined));
    await client.call("headscale.start", undefined, { timeoutMs: 120_000 });
  };
  const stopHelperProcess = async () => {
    await client!.call("helper.shutdown").catch(() => {});
    client!.close();
    await waitForExit(helper!.pid!, 20_000);
  };
  const waitRunning = async () => {
    for (;;) {
      const s = await client!.call("bridge.status");
      if (s.state === "Running" && s.ipv4) return s.ipv4;
      await sleep(20);
    }
  };

  try {
    await spawnHelper();
    const mint = (deviceId: string) => client!.call("preAuthKeys.mint", { deviceId, account: "bench" });

    // Time to come up: a fresh node each round (a new account means a new node, with a key
    // minted for it), against minting a key through the helper plus `tailscale up` of a fresh
    // tailscaled on the same tailnet: the same work on both sides.
    const upOurs: number[] = [];
    const upPeer: number[] = [];
    const upOnce = {
      ours: async (round: number) => {
        await client!.call("bridge.down");
        const began = performance.now();
        await client!.call("bridge.up", {
          localPort: echo.port,
          tailnetPort: TAILNET_PORT,
          account: `bench-up-${round}`,
        });
        await waitRunning();
        upOurs.push(performance.now() - began);
      },
      peer: async (round: number) => {
        const minting = performance.now();
        const key = await mint(`bench-up-${round}`);
        const mintMs = performance.now() - minting;
        const c = await startTailscaleClient(`up-${round}`, key.coordinationUrl, key.preAuthKey);
        upPeer.push(mintMs + c.upMs);
        await c.stop();
      },
    };
    for (let round = 0; round < UP_ROUNDS; round++) {
      const [first, second] = round % 2 === 0 ? [upOnce.ours, upOnce.peer] : [upOnce.peer, upOnce.ours];
      await first(round);
      await second(round);
    }
    const ourIp = await waitRunning();
    await sleep(5_000); // settled
    const idleRss = await rssMiB(helper!.pid!);

    const driver = await mint("bench-client");
    const socksClient = await startTailscaleClient("bench-client", driver.coordinationUrl, driver.preAuthKey, {
      socks5: true,
    });
    clients.push(socksClient);
    const peerKey = await mint("bench-peer");
    const peer = await startTailscaleClient("bench-peer", peerKey.coordinationUrl, peerKey.preAuthKey);
    clients.push(peer);
    await peer.cli(["serve", "--bg", `--tcp=${TAILNET_PORT}`, `tcp://127.0.0.1:${echo.port}`]);
    const peerIp = (await peer.cli(["ip", "-4"])).trim();
    // Both servers reachable before anything is timed.
    for (const ip of [ourIp, peerIp]) await socksClient.cli(["ping", "--c=1", "--timeout=30s", ip]).catch(() => {});

    const paths3: Path[] = [
      { name: "ours", dial: () => dialTailnet(socksClient.socks5Port!, ourIp, TAILNET_PORT), pid: helper!.pid },
      { name: "peer", dial: () => dialTailnet(socksClient.socks5Port!, peerIp, TAILNET_PORT), pid: peer.pid },
      {
        name: "ceiling",
        dial: () =>
          new Promise<Socket>((resolve, reject) => {
            const s = connect(echo.port, "127.0.0.1", () => resolve(s)).once("error", reject);
          }),
      },
    ];
    for (const path of paths3) await measure(path, 16 * MiB); // warm-up
    const results = new Map(
      paths3.map((p) => [p.name, { mbps: [] as number[], cpu: [] as number[], rtt: [] as number[] }]),
    );
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? paths3 : [paths3[1]!, paths3[0]!, paths3[2]!];
      for (const path of order) {
        const r = await measure(path, TRANSFER);
        results.get(path.name)!.mbps.push(r.mbps);
        results.get(path.name)!.cpu.push(r.cpuPerGiB);
      }
    }
    for (let round = 0; round < 2; round++) {
      for (const path of round % 2 === 0 ? paths3 : [...paths3].reverse()) {
        results.get(path.name)!.rtt.push(...(await pingPong(await path.dial(), PING_COUNT / 2)));
      }
    }
    const ours = results.get("ours")!;
    const peerR = results.get("peer")!;
    const ceiling = results.get("ceiling")!;

    // Memory: the same 1 GiB each way through each, then RSS; ours at several Go memory limits.
    await pump(await paths3[1]!.dial(), MEMORY_TRANSFER);
    const peerRss = await rssMiB(peer.pid);
    const peerMemMbps = await measure(paths3[1]!, TRANSFER);
    const tradeOff: { limit: number; rss: number; mbps: number }[] = [];
    for (const limit of LIMITS_MIB) {
      // A fresh helper each time: RSS only ever grows.
      await stopHelperProcess();
      await spawnHelper(limit);
      await waitRunning();
      await socksClient.cli(["ping", "--c=1", "--timeout=30s", ourIp]).catch(() => {});
      const pathNow: Path = { ...paths3[0]!, pid: helper!.pid };
      await pump(await pathNow.dial(), MEMORY_TRANSFER);
      const rss = await rssMiB(helper!.pid!);
      const { mbps } = await measure(pathNow, TRANSFER);
      tradeOff.push({ limit, rss, mbps });
    }

    const buildSeconds = await readFile(join(root, "native", "lib", "build-seconds.txt"), "utf8").catch(() => "?");
    console.log(
      `\nTailnet bridge bench: ${ROUNDS} alternating rounds of ${TRANSFER / MiB} MiB each way, ${PING_COUNT} round trips, ${new Date().toISOString()}`,
    );
    const best = tradeOff.filter((t) => t.mbps >= median(peerR.mbps)).sort((a, b) => a.rss - b.rss)[0];
    const rows: Row[] = [
      {
        metric: "throughput each way, median",
        ours: median(ours.mbps),
        peer: median(peerR.mbps),
        peerName: "tailscaled serve --tcp",
        unit: "MB/s",
        better: "higher",
        target: ">= 1.0x",
        met: median(ours.mbps) >= median(peerR.mbps),
      },
      {
        metric: "server CPU per GiB, median",
        ours: median(ours.cpu),
        peer: median(peerR.cpu),
        peerName: "tailscaled serve --tcp",
        unit: "s",
        better: "lower",
        target: "<= 1.0x",
        met: median(ours.cpu) <= median(peerR.cpu),
      },
      {
        metric: "64-byte round trip p50",
        ours: percentile(ours.rtt, 50),
        peer: percentile(peerR.rtt, 50),
        peerName: "tailscaled serve --tcp",
        unit: "ms",
        better: "lower",
        target: "<= 1.1x",
        met: percentile(ours.rtt, 50) <= 1.1 * percentile(peerR.rtt, 50),
      },
      {
        metric: "64-byte round trip p99",
        ours: percentile(ours.rtt, 99),
        peer: percentile(peerR.rtt, 99),
        peerName: "tailscaled serve --tcp",
        unit: "ms",
        better: "lower",
      },
      {
        metric: "node up, median",
        ours: median(upOurs),
        peer: median(upPeer),
        peerName: "tailscale up",
        unit: "ms",
        better: "lower",
        target: "<= 1.0x",
        met: median(upOurs) <= median(upPeer),
      },
      {
        metric: "throughput vs raw loopback",
        ours: median(ours.mbps),
        peer: median(ceiling.mbps),
        peerName: "ceiling: loopback TCP",
        unit: "MB/s",
        better: "higher",
      },
      ...(best
        ? [
            {
              metric: `RSS after 1 GiB (limit ${best.limit || "none"} MiB)`,
              ours: best.rss,
              peer: peerRss,
              peerName: "tailscaled",
              unit: "MiB",
              better: "lower" as const,
              target: "ours <= 0.5x peer, at >= 1.0x throughput",
              met: best.rss <= 0.5 * peerRss,
            },
          ]
        : []),
    ];
    printTable(rows);
    console.log(
      `\nmemory trade-off after 1 GiB each way (Go memory limit → helper RSS, then throughput; the helper ships with ${DEFAULT_MEMORY_LIMIT_MIB} MiB):`,
    );
    for (const t of tradeOff) {
      console.log(
        `  limit ${String(t.limit || "none").padStart(4)} MiB: RSS ${t.rss.toFixed(0)} MiB (${(t.rss / peerRss).toFixed(2)}x tailscaled's ${peerRss.toFixed(0)}), ` +
          `${t.mbps.toFixed(0)} MB/s (${(t.mbps / median(peerR.mbps)).toFixed(2)}x the peer; peer after its 1 GiB: ${peerMemMbps.mbps.toFixed(0)} MB/s)`,
      );
    }
    console.log(`helper idle RSS with the node up: ${idleRss.toFixed(0)} MiB (helper, Headscale not included)`);
    console.log(`archive build: ${buildSeconds.trim()} s at the last \`npm ci\` (cold on a fresh machine)`);
    console.log(
      `samples MB/s: ours ${ours.mbps.map((v) => v.toFixed(0)).join(", ")}; peer ${peerR.mbps.map((v) => v.toFixed(0)).join(", ")}; ceiling ${ceiling.mbps.map((v) => v.toFixed(0)).join(", ")}`,
    );
    console.log(
      `up samples ms: ours ${upOurs.map((v) => v.toFixed(0)).join(", ")}; peer ${upPeer.map((v) => v.toFixed(0)).join(", ")}`,
    );
  } finally {
    for (const c of clients) await c.stop().catch(() => {});
    if (client) await stopHelperProcess().catch(() => {});
    helper?.kill("SIGKILL");
    echo.child.kill();
    await rm(home, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
