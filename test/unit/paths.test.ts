import { describe, expect, it } from "vitest";
import { defaultHome, homePaths, MAX_SOCKET_PATH } from "../../helper/home/paths.js";

describe("defaultHome", () => {
  it("uses the per-OS application data folder", () => {
    expect(defaultHome("darwin", {}, "/Users/me")).toBe("/Users/me/Library/Application Support/Headscale Remote");
    expect(defaultHome("linux", {}, "/home/me")).toBe("/home/me/.local/share/headscale-remote");
    expect(defaultHome("linux", { XDG_DATA_HOME: "/data" }, "/home/me")).toBe("/data/headscale-remote");
  });
  it("lets HEADSCALE_REMOTE_HOME override it", () => {
    expect(defaultHome("darwin", { HEADSCALE_REMOTE_HOME: "/tmp/x" }, "/Users/me")).toBe("/tmp/x");
  });
});

describe("socket paths", () => {
  it("stay in the home when short", () => {
    expect(homePaths("/tmp/hr-1", "/tmp").helperSocket).toBe("/tmp/hr-1/helper.sock");
  });
  it("move to a stable short path when the home is long", () => {
    const long = "/Users/someone-with-a-long-name/Library/Application Support/Headscale Remote/instances/second";
    const a = homePaths(long, "/var/folders/xy/T");
    expect(Buffer.byteLength(a.helperSocket)).toBeLessThanOrEqual(MAX_SOCKET_PATH);
    expect(Buffer.byteLength(a.headscaleSocket)).toBeLessThanOrEqual(MAX_SOCKET_PATH);
    expect(a.helperSocket).toBe(homePaths(long, "/var/folders/xy/T").helperSocket);
    expect(a.helperSocket).not.toBe(homePaths(long + "-2", "/var/folders/xy/T").helperSocket);
  });
});
