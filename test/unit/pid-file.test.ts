import { describe, expect, it } from "vitest";
import { isOurHeadscale } from "../../helper/headscale/pid-file.js";

describe("isOurHeadscale", () => {
  it("accepts only headscale serving our config", () => {
    expect(isOurHeadscale(["/x/headscale", "serve", "-c", "/h/config.yaml"], "/h/config.yaml")).toBe(true);
    expect(isOurHeadscale(["/x/headscale", "serve", "-c", "/other.yaml"], "/h/config.yaml")).toBe(false);
    expect(isOurHeadscale(["sleep", "100"], "/h/config.yaml")).toBe(false);
    expect(isOurHeadscale(undefined, "/h/config.yaml")).toBe(false);
  });
});
