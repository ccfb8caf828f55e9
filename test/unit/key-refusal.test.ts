import { describe, expect, it } from "vitest";
import { isKeyRefusal } from "../../helper/tailnet/key-refusal.js";

describe("Headscale's word on this computer's node", () => {
  it("a refused key is one of Headscale 0.29's refusals", () => {
    for (const refusal of [
      "invalid pre auth key",
      "invalid authkey",
      "authkey expired",
      "authkey already used",
      "node exists with a different machine key",
    ]) {
      expect(isKeyRefusal(refusal), refusal).toBe(true);
    }
  });

  it("Headscale failing is not a refusal: the key is kept (it made a new node with new IPs)", () => {
    for (const failure of [
      "sql: database is closed",
      "failed to create node: context deadline exceeded",
      "node registration rate limited; will retry after 2s",
    ]) {
      expect(isKeyRefusal(failure), failure).toBe(false);
    }
  });
});
