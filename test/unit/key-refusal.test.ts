import { describe, expect, it } from "vitest";
import { isKeyRefusal } from "../../helper/tailnet/key-refusal.js";

/** What Headscale 0.29 says when it refuses a node's key. */
const REFUSALS = [
  "invalid pre auth key",
  "invalid authkey",
  "authkey expired",
  "authkey already used",
  "node exists with a different machine key",
];

/** What it says when it fails, which says nothing about the key. */
const FAILURES = [
  "sql: database is closed",
  "failed to create node: context deadline exceeded",
  "node registration rate limited; will retry after 2s",
];

describe("Headscale's word on this computer's node", () => {
  it("a refused key is one of Headscale 0.29's refusals", () => {
    expect(REFUSALS.filter((refusal) => !isKeyRefusal(refusal))).toEqual([]);
  });

  it("Headscale failing is not a refusal: the key is kept (it made a new node with new IPs)", () => {
    expect(FAILURES.filter((failure) => isKeyRefusal(failure))).toEqual([]);
  });
});
