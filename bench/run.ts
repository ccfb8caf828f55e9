/**
 * npm run bench: the helper against the bare tools it wraps, in one run on this machine.
 *  - start-to-ready: `headscale.start` through the helper vs `headscale serve` polled on /health
 *  - status and nodes.list at 1,000 nodes (connect, call, close: what the menu bar does) vs
 *    `headscale nodes list -o json`
 * Targets: start overhead within 10%; status at least 20x faster than the CLI call.
 * Besides the fake nodes, a few real Tailscale clients are online during the measurements, so
 * `npm run bench` runs in a loopback-only network namespace (as root).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { execa } from "execa";
import { callHelper, HelperClient } from "../helper/client/helper-client.js";
import { ensureHeadscaleConfig, loadSettings } from "../helper/config/settings-store.js";
import { findHeadscale } from "../helper/headscale/binary.js";
import { projectRoot } from "../helper/project.js";
import { headscaleEnv } from "../helper/headscale/child-env.js";
import { homePaths } from "../helper/home/paths.js";
import { waitForExit } from "../helper/os/process-info.js";
import { ensurePrivateDir } from "../helper/home/secure-fs.js";
import { createFakeNodes } from "../testkit/fake-nodes.js";
import { onlyLoopback, startTailscaleClient, type TailscaleClient } from "../testkit/tailscale-client.js";
import { percentile, printTable, type Row } from "./stats.js";

/** Tailnet sizes to measure at, seeded one after the other (BENCH_NODES=1000,5000). */
const SIZES = (process.env.BENCH_NODES ?? "1000,5000").split(",").map(Number);
const START_ROUNDS = 9;
const REAL_CLIENTS = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (samples: number[]) => percentile(samples, 50);

async function bareStartToReady(binary: string, config: string, healthUrl: string): Promise<number> {
  const began = performance.now();
  const child = spawn(binary, ["serve", "-c", config], { env: headscaleEnv(process.env), stdio: "ignore" });
  for (;;) {
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(1000) });
      if (response.ok) break;
    } catch {
      // not yet
    }
    if (child.exitCode !== null) throw new Error("bare headscale exited");
    await sleep(10);
  }
  const elapsed = performance.now() - began;
  child.kill("SIGTERM");
  await waitForExit(child.pid!, 10_000);
  return elapsed;
}

function rssKiB(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, "utf8").then((text) => Number(/VmRSS:\s+(\d+)/.exec(text)?.[1] ?? NaN));
}

async function main(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), "hrb-"));
  const paths = homePaths(home, tmpdir());
  await ensurePrivateDir(home);
  const settings = await loadSettings(paths);
  await ensureHeadscaleConfig(paths, settings);
  const binary = await findHeadscale(undefined);
  const healthUrl = `http://${settings.listenAddr}/health`;
  const cli = join(projectRoot()!, "dist", "helper", "cli", "main.js");

  let helper: ChildProcess | undefined;
  const realClients: TailscaleClient[] = [];
  try {
    helper = spawn(process.execPath, [cli, "--home", home, "helper", "--no-start"], { stdio: "ignore" });
    let client: HelperClient | undefined;
    while (!client)
      client = await HelperClient.connect(paths.helperSocket).catch(() => sleep(50).then(() => undefined));
    // First start makes the database and the helper's API key: not part of the comparison.
    await client.call("headscale.start", undefined, { timeoutMs: 120_000 });
    await client.call("headscale.stop");
    await bareStartToReady(binary, paths.headscaleConfig, healthUrl);

    const ours: number[] = [];
    const bare: number[] = [];
    const throughHelper = async () => {
      const began = performance.now();
      await client!.call("headscale.start", undefined, { timeoutMs: 120_000 });
      ours.push(performance.now() - began);
      await client!.call("headscale.stop");
    };
    for (let round = 0; round < START_ROUNDS; round++) {
      // Alternate which goes first, so neither always starts on the warmer cache.
      if (round % 2 === 0) {
        bare.push(await bareStartToReady(binary, paths.headscaleConfig, healthUrl));
        await throughHelper();
      } else {
        await throughHelper();
        bare.push(await bareStartToReady(binary, paths.headscaleConfig, healthUrl));
      }
    }
    await client.call("headscale.start", undefined, { timeoutMs: 120_000 });

    const apiKey = JSON.parse(await readFile(paths.apiKey, "utf8")).key as string;
    const serverUrl = `http://${settings.listenAddr}`;
    await client.call("users.create", { name: "bench" });
    if (!(await onlyLoopback())) throw new Error("run the bench in a loopback-only namespace: npm run bench does");
    for (let i = 0; i < REAL_CLIENTS; i++) {
      const minted = await client.call("preAuthKeys.mint", { deviceId: `bench-real-${i}`, account: "bench" });
      realClients.push(await startTailscaleClient(`real-${i}`, minted.coordinationUrl, minted.preAuthKey));
    }
    const timeCalls = async (n: number, call: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const began = performance.now();
        await call();
        samples.push(performance.now() - began);
      }
      return samples;
    };
    const scaleRows: Row[] = [];
    const memory: string[] = [];
    let seeded = 0;
    for (const size of SIZES) {
      const seeding = performance.now();
      await createFakeNodes(serverUrl, apiKey, "bench", size - REAL_CLIENTS - seeded, 32, seeded);
      seeded = size - REAL_CLIENTS;
      console.log(
        `registered ${size} fake nodes in all (${((performance.now() - seeding) / 1000).toFixed(1)} s for this step)`,
      );
      // Status answers from counts refreshed in the background; wait until they include every node.
      for (let i = 0; i < 300 && (await client.call("status")).headscale.nodes?.total !== size; i++) await sleep(100);
      const status = await timeCalls(500, () => callHelper(paths.helperSocket, "status"));
      const list = await timeCalls(30, async () => {
        const nodes = await callHelper(paths.helperSocket, "nodes.list");
        if (nodes.length !== size) throw new Error(`listed ${nodes.length} nodes, expected ${size}`);
      });
      const headscaleCli = await timeCalls(15, () =>
        execa(binary, ["nodes", "list", "-o", "json", "-c", paths.headscaleConfig], {
          env: headscaleEnv(process.env),
          extendEnv: false,
        }),
      );
      memory.push(`${size} nodes: ${((await rssKiB(helper.pid!)) / 1024).toFixed(1)} MiB`);
      for (const p of [50, 99]) {
        scaleRows.push(
          {
            metric: `status p${p} @${size} nodes`,
            ours: percentile(status, p),
            peer: percentile(headscaleCli, p),
            peerName: "headscale nodes list -o json",
            unit: "ms",
            better: "lower",
            target: ">= 20x faster",
            met: percentile(headscaleCli, p) >= 20 * percentile(status, p),
          },
          {
            metric: `nodes.list p${p} @${size} nodes`,
            ours: percentile(list, p),
            peer: percentile(headscaleCli, p),
            peerName: "headscale nodes list -o json",
            unit: "ms",
            better: "lower",
          },
        );
      }
    }
    client.close();

    console.log(
      `\nHeadscale Remote bench: ${SIZES.join(" and ")} nodes, ${START_ROUNDS} start rounds, ${new Date().toISOString()}`,
    );
    printTable([
      {
        metric: "start-to-ready, median",
        ours: median(ours),
        peer: median(bare),
        peerName: "bare headscale serve",
        unit: "ms",
        better: "lower",
        target: "ours <= 1.10x peer",
        met: median(ours) <= 1.1 * median(bare),
      },
      ...scaleRows,
    ]);
    console.log(`\nhelper RSS: ${memory.join("; ")}`);
    console.log(
      `start samples (ms): ours ${ours.map((v) => v.toFixed(0)).join(", ")}; bare ${bare.map((v) => v.toFixed(0)).join(", ")}`,
    );
  } finally {
    for (const real of realClients) await real.stop().catch(() => {});
    const last = await HelperClient.connect(paths.helperSocket).catch(() => undefined);
    await last?.call("helper.shutdown").catch(() => {});
    last?.close();
    if (helper?.pid) await waitForExit(helper.pid, 15_000);
    helper?.kill("SIGKILL");
    await rm(home, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
