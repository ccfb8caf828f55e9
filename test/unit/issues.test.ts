import { z } from "zod";
import { describe, expect, it } from "vitest";
import { describeIssues } from "../../helper/util/issues.js";

describe("describeIssues", () => {
  it("says every problem on one line, each with its field", () => {
    const result = z.object({ port: z.number(), name: z.object({ first: z.string() }) }).safeParse({ name: {} });
    expect(result.success).toBe(false);
    const line = describeIssues(result.error!);
    expect(line).not.toContain("\n");
    expect(line).toBe("port is missing; name.first is missing");
    const wrong = z.object({ port: z.number() }).safeParse({ port: "x" });
    expect(describeIssues(wrong.error!)).toBe("port: expected number, received string");
  });

  it("never says 'undefined', even for a failure without issues", () => {
    expect(describeIssues(new z.ZodError([]))).toBe("it does not have the expected shape");
    const top = z.object({}).safeParse(null);
    expect(describeIssues(top.error!)).toMatch(/^value: /);
  });
});
