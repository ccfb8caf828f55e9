import { describe, expect, it } from "vitest";
import { addressesFromConfig, connectableAddress } from "../../helper/config/addresses.js";

const fallback = { listenAddr: "127.0.0.1:8080", serverUrl: "http://127.0.0.1:8080" };

describe("addresses from a hand-edited config.yaml", () => {
  it("takes its listen address, server URL and admin socket", () => {
    const yaml = "listen_addr: 0.0.0.0:9090\nserver_url: https://hs.example.com/\nunix_socket: /run/hs/admin.sock\n";
    expect(addressesFromConfig(yaml, fallback, "/home/me/hs")).toEqual({
      listenAddr: "0.0.0.0:9090",
      serverUrl: "https://hs.example.com",
      unixSocket: "/run/hs/admin.sock",
    });
  });

  it("falls back to the settings' for what is missing, unusable or unreadable", () => {
    expect(addressesFromConfig("listen_addr: nonsense\nunix_socket: 3\n", fallback, "/h")).toEqual(fallback);
    expect(addressesFromConfig(": : not yaml [", fallback, "/h")).toEqual(fallback);
    expect(addressesFromConfig("", fallback, "/h")).toEqual(fallback);
  });

  it("reads a relative socket path from the home, where Headscale runs", () => {
    expect(addressesFromConfig("unix_socket: ./run/hs.sock\n", fallback, "/home/me/hs").unixSocket).toBe(
      "/home/me/hs/run/hs.sock",
    );
  });

  it("connects to loopback where Headscale listens on every address", () => {
    expect(connectableAddress("0.0.0.0:9090")).toBe("127.0.0.1:9090");
    expect(connectableAddress("[::]:9090")).toBe("[::1]:9090");
    expect(connectableAddress(":9090")).toBe("127.0.0.1:9090");
  });
});
