import { describe, expect, it } from "vitest";
import { Responses } from "../../helper/headscale/admin-schemas.js";

// As our codec hands Headscale's answers over: 64-bit numbers as numbers, empty fields left out.
const grpcUser = { id: 2, name: "ann", createdAt: { seconds: 1795652245, nanos: 863773561 } };

describe("Headscale's answers", () => {
  it("reads protobuf timestamps as ISO times, and Go's zero time as never", () => {
    expect(Responses.user.parse({ user: grpcUser }).user).toEqual({
      id: "2",
      name: "ann",
      createdAt: "2026-11-26T00:17:25.863Z",
    });
    const never = Responses.apiKeys.parse({ apiKeys: [{ id: 1, prefix: "p", expiration: { seconds: -62135596800 } }] });
    expect(never.apiKeys[0]!.expiration).toBeNull();
  });

  it("refuses an answer without the fields it needs", () => {
    expect(Responses.users.parse({}).users).toEqual([]); // an empty list is left out altogether
    expect(Responses.user.safeParse({ user: { name: "ann" } }).success).toBe(false);
  });
});
