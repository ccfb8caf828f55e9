import { describe, expect, it } from "vitest";
import { headscaleEnv } from "../../helper/headscale/child-env.js";

describe("headscaleEnv", () => {
  it("removes every HEADSCALE_* variable and keeps the rest", () => {
    const env = headscaleEnv(
      { PATH: "/bin", HEADSCALE_LISTEN_ADDR: "0.0.0.0:1", headscale_x: "y", HOME: "/h" },
      { EXTRA: "1" },
    );
    expect(env).toEqual({ PATH: "/bin", HOME: "/h", EXTRA: "1" });
  });
});
