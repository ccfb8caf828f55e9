import { describe, expect, it } from "vitest";
import { accountUserName } from "../../helper/accounts/user-name.js";

describe("accountUserName", () => {
  it("is deterministic and differs between accounts", () => {
    expect(accountUserName("alice@example.com")).toBe(accountUserName("alice@example.com"));
    expect(accountUserName("alice@example.com")).not.toBe(accountUserName("bob@example.com"));
  });

  it("fits Headscale's user name rules", () => {
    for (const account of ["a", "Ünïcödé account", "x".repeat(10_000), "001122"]) {
      expect(accountUserName(account)).toMatch(/^hr-[0-9a-f]{32}$/);
    }
  });

  it("rejects an empty account", () => {
    expect(() => accountUserName("")).toThrow(/empty/);
  });
});
