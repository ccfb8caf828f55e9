/**
 * Six clients at once sending start, stop, restart, node listings and mints in random order:
 * after every round what `status` says matches the processes that really run, and every
 * request ends with an answer or "not running", never a hang or an internal error.
 */
import { describe, expect, it } from "vitest";
import { HelperClient, HelperError } from "../../helper/client/helper-client.js";
import { waitForExit } from "../../helper/os/process-info.js";
import { ErrorCode } from "../../helper/protocol/errors.js";
import { type MethodName } from "../../helper/protocol/methods.js";
import { spawnHelperProcess, useHelpers } from "../support/fixtures.js";
import { processesServing, seededRandom } from "../support/chaos.js";

const ROUNDS = Number(process.env.CONTROL_ROUNDS ?? 15);
const OPERATIONS: MethodName[] = [
  "headscale.start",
  "headscale.stop",
  "headscale.restart",
  "nodes.list",
  "preAuthKeys.mint",
  "status",
];

describe("start, stop and restart from many clients at once", () => {
  const { home: newHome, later } = useHelpers();

  it(`keeps status true to the processes across ${ROUNDS} rounds`, async () => {
    const seed = Number(process.env.CONTROL_SEED ?? Date.now() % 100_000);
    console.log(`concurrent-control seed ${seed} (replay with CONTROL_SEED=${seed})`);
    const next = seededRandom(seed);
    const home = await newHome();
    const { child } = await spawnHelperProcess(home);
    later(async () => {
      child.kill("SIGTERM");
      await waitForExit(child.pid!, 10_000);
    });
    const clients = await Promise.all(Array.from({ length: 6 }, () => HelperClient.connect(`${home}/helper.sock`)));
    later(async () => clients.forEach((client) => client.close()));
    const [observer] = clients;

    const outcomes = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const calls = clients.flatMap((client) =>
        Array.from({ length: 3 }, () => {
          const method = OPERATIONS[Math.floor(next() * OPERATIONS.length)]!;
          const params = method === "preAuthKeys.mint" ? { deviceId: "laptop" } : undefined;
          return client.call(method, params as never, { timeoutMs: 60_000 }).then(
            () => `${method}: ok`,
            (error: Error) => {
              expect(error).toBeInstanceOf(HelperError);
              expect((error as HelperError).code, `${method}: ${error.message}`).toBe(ErrorCode.Unavailable);
              return `${method}: ${error.message.replace(/\(.*\)/, "(…)")}`;
            },
          );
        }),
      );
      for (const outcome of await Promise.all(calls)) outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

      const { headscale } = await observer!.call("status");
      const pids = await processesServing(`${home}/config.yaml`);
      if (headscale.state === "running") expect(pids).toEqual([headscale.pid]);
      else expect({ state: headscale.state, pids }).toEqual({ state: "stopped", pids: [] });
    }
    console.log(`concurrent-control: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    expect(outcomes.get("headscale.restart: ok")).toBeGreaterThan(0);
  });
});
