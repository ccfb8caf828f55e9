import { describe, expect, it } from "vitest";
import { LogStore, MAX_LINE_CHARS } from "../../helper/logs/log-store.js";

describe("the log store", () => {
  // A made-up key in Headscale's format, assembled so no key-shaped literal sits in the source.
  const key = ["hskey", "auth", "gUkOB-gZsc_J", "8JAXu".repeat(13)].join("-");

  it("cuts a huge line to a bounded size and says how much it cut", async () => {
    const store = await LogStore.open(undefined, 10);
    const line = store.append("stderr", "x".repeat(3 * MAX_LINE_CHARS));
    expect(line.text.length).toBeLessThan(MAX_LINE_CHARS + 100);
    expect(line.text).toMatch(new RegExp(`… \\[${2 * MAX_LINE_CHARS} more characters cut\\]$`));
  });

  it("redacts before it cuts, so a key across the cut leaves no part of its secret", async () => {
    const store = await LogStore.open(undefined, 10);
    const text = "x".repeat(MAX_LINE_CHARS - 20) + key + " tail";
    const { text: kept } = store.append("stderr", text);
    const secret = key.slice("hskey-auth-".length);
    expect(kept.includes(secret.slice(0, 8)), "a piece of the secret survived").toBe(false);
    expect(kept.endsWith("hskey-auth-[REDACTED … [6 more characters cut]"), kept.slice(-60)).toBe(true);
  });
});
