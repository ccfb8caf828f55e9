import { describe, expect, it } from "vitest";
import { waitUntil } from "../../testkit/wait.js";

// The suite's one way to wait: it must return what it waited for, and say what never came.
describe("waitUntil", () => {
  it("polls until the condition holds and returns what it returned", async () => {
    let calls = 0;
    const found = await waitUntil(async () => ++calls >= 3 && { calls }, { what: "three calls", intervalMs: 1 });
    expect(found).toEqual({ calls: 3 });
  });

  it("names what it waited for when the time is up", async () => {
    let last = "";
    const error = await waitUntil(
      () => {
        last = "Starting";
        return false;
      },
      { what: () => `the node to run; still ${last}`, timeoutMs: 20, intervalMs: 5 },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe("timed out after 0.02 s waiting for the node to run; still Starting");
  });

  it("stops at once when the condition throws", async () => {
    let calls = 0;
    const wait = waitUntil(
      () => {
        calls++;
        throw new Error("helper exited");
      },
      { what: "never", timeoutMs: 60_000 },
    );
    await expect(wait).rejects.toThrow("helper exited");
    expect(calls).toBe(1);
  });
});
