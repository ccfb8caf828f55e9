import { describe, expect, it } from "vitest";
import { isOurHeadscale } from "../../helper/headscale/pid-file.js";

describe("isOurHeadscale", () => {
  it("accepts only headscale serving our config", () => {
    expect(isOurHeadscale(["/x/headscale", "serve", "-c", "/h/config.yaml"], "/h/config.yaml")).toBe(true);
    expect(isOurHeadscale(["/x/headscale", "serve", "-c", "/other.yaml"], "/h/config.yaml")).toBe(false);
    expect(isOurHeadscale(["sleep", "100"], "/h/config.yaml")).toBe(false);
    expect(isOurHeadscale(undefined, "/h/config.yaml")).toBe(false);
  });

  it("reads a command line that ps split at the spaces of the home's path (macOS)", () => {
    const config = "/Users/me/Library/Application Support/Headscale Remote/config.yaml";
    const argv = `/opt/homebrew/bin/headscale serve -c ${config}`.split(/\s+/);
    expect(isOurHeadscale(argv, config)).toBe(true);
    expect(isOurHeadscale(argv, "/Users/me/Library/Application Support/Other/config.yaml")).toBe(false);
    expect(isOurHeadscale(`/usr/bin/headscale-ui serve -c ${config}`.split(/\s+/), config)).toBe(false);
  });
});
