/**
 * The helper killed with SIGKILL at random points, 100 times in a row: each next helper ends
 * the orphaned Headscale, nothing is lost, SQLite stays intact, and no process is left behind.
 */
import { tmpdir } from "node:os";
import { spawn } from "node:child_process";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { HelperClient } from "../../helper/client/helper-client.js";
import { homePaths } from "../../helper/home/paths.js";
import { waitForExit } from "../../helper/os/process-info.js";
import { cliPath, createFakeNodes, headscaleBinary, spawnHelperProcess, useHelpers } from "../support/fixtures.js";
import { processesServing, seededRandom } from "../support/chaos.js";
import { waitUntil } from "../../testkit/wait.js";

const ROUNDS = Number(process.env.KILL_ROUNDS ?? 100);

describe("SIGKILL the helper at random points", () => {
  const { helperFor, home: newHome } = useHelpers();
  it(`survives ${ROUNDS} kills with nothing lost`, async () => {
    const home = await newHome();
    const seed = Number(process.env.KILL_SEED ?? Date.now() % 100_000);
    console.log(`kill-helper seed ${seed} (replay with KILL_SEED=${seed})`);
    const next = seededRandom(seed);

    // Seed state: a user, nodes, and device keys, all made through a first helper.
    const first = await spawnHelperProcess(home);
    const socket = `${home}/helper.sock`;
    const client = await HelperClient.connect(socket);
    await client.call("users.create", { name: "keep" });
    await createFakeNodes(homePaths(home, tmpdir()).headscaleSocket, "keep", 3);
    const minted = new Map<string, string>();
    for (const device of ["a", "b", "c"])
      minted.set(device, (await client.call("preAuthKeys.mint", { deviceId: device })).preAuthKey);
    client.close();
    first.child.kill("SIGKILL");
    await waitForExit(first.child.pid!, 5000);

    const cli = await cliPath();
    for (let round = 0; round < ROUNDS; round++) {
      const child = spawn(process.execPath, [cli, "--home", home, "helper"], { stdio: "ignore" });
      const wait = Math.floor(next() * 1200);
      // Sometimes mint while the kill lands: a key handed out must be on disk before it is returned.
      if (next() < 0.3) {
        setTimeout(
          async () => {
            const c = await HelperClient.connect(socket).catch(() => undefined);
            const r = await c?.call("preAuthKeys.mint", { deviceId: `late-${round}` }).catch(() => undefined);
            if (r) minted.set(`late-${round}`, r.preAuthKey);
            c?.close();
          },
          Math.floor(wait / 2),
        );
      }
      // Not a wait for a condition: the kill lands at a random point of the helper's start.
      await new Promise((resolve) => setTimeout(resolve, wait));
      child.kill("SIGKILL");
      await waitForExit(child.pid!, 5000);
    }

    const t = await helperFor({ home });
    // A kill that lands between spawning Headscale and writing its pid file leaves an orphan nobody
    // can name, holding the port until it dies of its closed pipes: the first start may then fail,
    // and the crash restart is what brings Headscale up.
    const hs = t.helper.supervisor;
    await waitUntil(() => hs.state === "running", {
      what: () => `Headscale running after the kills (it is ${hs.state}: ${hs.lastError ?? "no error"})`,
      timeoutMs: 120_000,
    });
    const config = t.helper.paths.headscaleConfig;
    const serving = await processesServing(config);
    expect(serving).toEqual([t.helper.supervisor.pid]);

    const nodes = await t.client.call("nodes.list");
    expect(nodes.filter((n) => n.user === "keep")).toHaveLength(3);
    expect((await t.client.call("users.list")).some((u) => u.name === "keep")).toBe(true);
    for (const [device, key] of minted) {
      const again = await t.client.call("preAuthKeys.mint", { deviceId: device });
      expect({ device, key: again.preAuthKey, reused: again.reused }).toEqual({ device, key, reused: true });
    }

    await t.client.call("headscale.stop");
    const check = await execa("sqlite3", [t.helper.paths.database, "PRAGMA integrity_check;"]);
    expect(check.stdout.trim()).toBe("ok");
    await t.close();
    expect(await processesServing(config)).toEqual([]);
  });
});

describe("a Headscale nobody named", () => {
  const { helperFor, home: newHome } = useHelpers();
  it("is ended by the next helper, which then serves: a helper killed before writing the PID file left it", async () => {
    const home = await newHome();
    const first = await helperFor({ home, start: false }); // makes the home and its config
    const config = first.helper.paths.headscaleConfig;
    await first.close();
    // As the killed helper left it: serving our config on our port, with no PID file naming it.
    const orphan = execa(await headscaleBinary(), ["serve", "-c", config], { cwd: home, reject: false });
    await waitUntil(async () => (await processesServing(config)).includes(orphan.pid!), {
      what: "the orphan to serve",
      timeoutMs: 30_000,
    });
    const t = await helperFor({ home });
    expect(t.helper.supervisor.state).toBe("running");
    expect(await processesServing(config)).toEqual([t.helper.supervisor.pid]);
    expect((await orphan).exitCode ?? (await orphan).signal).toBeDefined(); // it was ended, and reaped
    expect((await t.client.call("logs.tail", { lines: 1000 })).map((l) => l.text)).toContain(
      `ended Headscale pid ${orphan.pid}, left running by a previous helper`,
    );
  });
});
