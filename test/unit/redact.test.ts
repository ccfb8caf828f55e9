import { describe, expect, it } from "vitest";
import { redact } from "../../helper/logs/redact.js";

describe("redact", () => {
  // Made-up keys in Headscale's formats (assembled here so no key-shaped literal sits in the source).
  const apiKey = `hskey-api-${"q26t5_W-ifR7"}-${"BVNDhl5MYp--sxMU2sU".repeat(2)}`;
  const authKey = `hskey-auth-${"gUkOB-gZsc_J8JAXu".repeat(3)}`;
  it.each([
    [apiKey, "hskey-api-[REDACTED]"],
    [`key=${authKey} end`, "key=hskey-auth-[REDACTED] end"],
    ["Authorization: Bearer abc.def-123", "Authorization: Bearer [REDACTED]"],
    ['{"authKey":"s3cret"}', '{"authKey":"[REDACTED]"}'],
    ["legacy 0123456789abcdef0123456789abcdef0123456789abcdef", "legacy [REDACTED]"],
    ["old api key abcdefg.0123456789ABCDEFGHIJ0123456789abcdefgh", "old api key [REDACTED]"],
  ])("removes the secret from %s", (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it("leaves ordinary log lines alone", () => {
    const line = "2026-11-24T20:45:24Z INF listening and serving HTTP on: 127.0.0.1:18080 nodekey:66071c93";
    expect(redact(line)).toBe(line);
  });
});
