import { describe, expect, it } from "vitest";
import { releaseAsset, supportedVersion } from "../../helper/headscale/release.js";

describe("the Headscale release", () => {
  it("has a pinned binary for macOS and Linux on both CPUs, and none elsewhere", () => {
    expect(releaseAsset("linux", "x64")).toEqual({
      url: "https://github.com/juanfont/headscale/releases/download/v0.29.3/headscale_0.29.3_linux_amd64",
      sha256: "8dc183758024ed7095cf610fedea0790233613c71353bc8be2715d82ba29b92c",
      platform: "linux_amd64",
    });
    expect(releaseAsset("darwin", "arm64")?.sha256).toBe(
      "fb55b6d3d1ef3b850fe02837299ac1853f383a06f561d7f180d36b9ce406904b",
    );
    expect(releaseAsset("win32", "x64")).toBeUndefined();
    expect(releaseAsset("linux", "ia32")).toBeUndefined();
    expect(releaseAsset("linux", "x64", { baseUrl: "http://127.0.0.1:9/", sha256: "ab" })).toMatchObject({
      url: "http://127.0.0.1:9/headscale_0.29.3_linux_amd64",
      sha256: "ab",
    });
  });

  it("speaks to 0.29.x only", () => {
    for (const ok of ["v0.29.3", "0.29.0", "v0.29.0-beta.1"]) expect(supportedVersion(ok), ok).toBe(true);
    for (const bad of ["v0.28.0", "v0.30.0", "v1.29.0", "v0.290.1", "dev"])
      expect(supportedVersion(bad), bad).toBe(false);
  });
});
