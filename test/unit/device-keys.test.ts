import { describe, expect, it } from "vitest";
import { canReuse, REUSE_MARGIN_MS, type DeviceKeyRecord } from "../../helper/accounts/device-keys.js";

describe("canReuse", () => {
  const now = new Date("2026-11-24T12:00:00Z");
  const record: DeviceKeyRecord = {
    account: "a",
    deviceId: "d",
    user: "hr-x",
    keyId: "1",
    preAuthKey: "hskey-auth-x",
    expiresAt: "2026-12-24T12:00:00Z",
    createdAt: "2026-11-24T11:00:00Z",
  };
  const fresh = { used: false, reusable: false, expiration: "2026-12-24T12:00:00Z" };

  it("reuses a valid unused key", () => {
    expect(canReuse(record, fresh, now)).toBe(true);
  });
  it("does not reuse without a record or when Headscale no longer lists the key", () => {
    expect(canReuse(undefined, fresh, now)).toBe(false);
    expect(canReuse(record, undefined, now)).toBe(false);
  });
  it("does not reuse a single-use key that was used", () => {
    expect(canReuse(record, { ...fresh, used: true }, now)).toBe(false);
    expect(canReuse(record, { ...fresh, used: true, reusable: true }, now)).toBe(true);
  });
  it("does not reuse an expired key or one about to expire", () => {
    expect(canReuse(record, { ...fresh, expiration: "2026-11-24T11:59:00Z" }, now)).toBe(false);
    const soon = new Date(now.getTime() + REUSE_MARGIN_MS - 1000).toISOString();
    expect(canReuse(record, { ...fresh, expiration: soon }, now)).toBe(false);
  });
  it("falls back to the recorded expiry when Headscale reports none", () => {
    expect(canReuse(record, { ...fresh, expiration: null }, now)).toBe(true);
  });
});
