/**
 * Headscale killed from outside while requests are in flight, again and again: every request
 * settles with an answer or a clear error, the helper lives on, Headscale comes back, and each
 * device keeps its key.
 */
import { describe, expect, it } from "vitest";
import { HelperClient, HelperError } from "../../helper/client/helper-client.js";
import { isAlive, waitForExit } from "../../helper/os/process-info.js";
import { ErrorCode } from "../../helper/protocol/errors.js";
import { type Status } from "../../helper/protocol/types.js";
import { spawnHelperProcess, useHelpers } from "../support/fixtures.js";
import { waitUntil } from "../../testkit/wait.js";

const ROUNDS = Number(process.env.KILL_HEADSCALE_ROUNDS ?? 12);
const DEVICES = ["a", "b", "c", "d"];

describe("SIGKILL Headscale under load", () => {
  const { home: newHome, later } = useHelpers();

  it(`settles every request across ${ROUNDS} kills, and loses no device's key`, async () => {
    const home = await newHome();
    const { child } = await spawnHelperProcess(home);
    later(async () => {
      child.kill("SIGTERM");
      await waitForExit(child.pid!, 10_000);
    });
    const client = await HelperClient.connect(`${home}/helper.sock`);
    later(async () => client.close());

    let restartsAfterGivingUp = 0;
    let killed: number | null = null;
    const running = (): Promise<Status> =>
      waitUntil(
        async () => {
          const status = await client.call("status");
          // The helper may not have seen the last kill's exit yet.
          if (status.headscale.state === "running" && status.headscale.pid !== killed) return status;
          // Five crashes a minute end in `crashed`: start it again, as its user would.
          if (/not restarting it again/.test(status.headscale.lastError ?? "")) {
            restartsAfterGivingUp++;
            await client.call("headscale.start", undefined, { timeoutMs: 60_000 });
          }
          return undefined;
        },
        { what: "Headscale running again after the kill", timeoutMs: 90_000 },
      );

    const keys = new Map<string, string>();
    const errors = new Map<string, number>();
    let answered = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { headscale } = await running();
      const calls: Promise<unknown>[] = [
        ...DEVICES.map((deviceId) =>
          client.call("preAuthKeys.mint", { deviceId }, { timeoutMs: 60_000 }).then(({ preAuthKey }) => {
            expect(preAuthKey, `device ${deviceId} got a different key`).toBe(keys.get(deviceId) ?? preAuthKey);
            keys.set(deviceId, preAuthKey);
          }),
        ),
        client.call("nodes.list", undefined, { timeoutMs: 60_000 }),
        client.call("users.list", undefined, { timeoutMs: 60_000 }),
      ];
      // Not a wait for a condition: the kill lands at a different point each round.
      await new Promise((resolve) => setTimeout(resolve, (round * 137) % 1500));
      killed = headscale.pid!;
      process.kill(killed, "SIGKILL");
      for (const outcome of await Promise.allSettled(calls)) {
        if (outcome.status === "fulfilled") {
          answered++;
          continue;
        }
        const error = outcome.reason as Error;
        // A clear error from the helper, never a timeout, a dropped connection or a mangled message.
        expect(error).toBeInstanceOf(HelperError);
        expect([ErrorCode.Unavailable, ErrorCode.Failed]).toContain((error as HelperError).code);
        expect(error.message).toMatch(/^Headscale (did not answer|is not running)/);
        expect(error.message).not.toContain("[REDACTED]");
        errors.set(error.message.replace(/\d+/g, "N"), (errors.get(error.message.replace(/\d+/g, "N")) ?? 0) + 1);
      }
      await waitForExit(headscale.pid!, 5000);
    }

    console.log(`kill-headscale: ${answered} answered; errors: ${JSON.stringify(Object.fromEntries(errors))}`);
    const after = await running();
    expect(isAlive(child.pid!)).toBe(true);
    expect(after.headscale.restarts).toBeGreaterThanOrEqual(ROUNDS - restartsAfterGivingUp);
    // Every device still gets its one key back from the final Headscale.
    for (const deviceId of DEVICES) {
      const { preAuthKey, reused } = await client.call("preAuthKeys.mint", { deviceId });
      if (keys.has(deviceId))
        expect({ same: preAuthKey === keys.get(deviceId), reused }).toEqual({ same: true, reused: true });
    }
  });
});
