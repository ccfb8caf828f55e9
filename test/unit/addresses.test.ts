import { describe, expect, it } from "vitest";
import { addressesFromConfig, connectableAddress } from "../../helper/config/addresses.js";

const fallback = { listenAddr: "127.0.0.1:8080", serverUrl: "http://127.0.0.1:8080" };

describe("addresses from a hand-edited config.yaml", () => {
  it("takes its listen address, server URL and admin socket", () => {
    const yaml = "listen_addr: 0.0.0.0:9090\nserver_url: https://hs.example.com/\nunix_socket: /run/hs/admin.sock\n";
    expect(addressesFromConfig(yaml, fallback)).toEqual({
      listenAddr: "0.0.0.0:9090",
      serverUrl: "https://hs.example.com",
      unixSocket: "/run/hs/admin.sock",
    });
  });

  it("falls back to the settings' for what is missing, unusable or unreadable", () => {
    expect(addressesFromConfig("listen_addr: nonsense\nunix_socket: relative.sock\n", fallback)).toEqual(fallback);
    expect(addressesFromConfig(": : not yaml [", fallback)).toEqual(fallback);
    expect(addressesFromConfig("", fallback)).toEqual(fallback);
  });

  it("connects to loopback where Headscale listens on every address", () => {
    expect(connectableAddress("0.0.0.0:9090")).toBe("127.0.0.1:9090");
    expect(connectableAddress("[::]:9090")).toBe("[::1]:9090");
    expect(connectableAddress(":9090")).toBe("127.0.0.1:9090");
  });
});
