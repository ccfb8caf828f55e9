import { describe, expect, it } from "vitest";
import { redact } from "../../helper/logs/redact.js";

describe("redact", () => {
  it.each([
    ["hskey-api-if6R7q26t5_W-BVNDhl5MYp--sxMU2sUsjbSkNm9uqfMb8Wiv0wIln", "hskey-api-[REDACTED]"],
    ["key=hskey-auth-gUkOBgZsc--J-8JAXu_NUNAUzXc end", "key=hskey-auth-[REDACTED] end"],
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
