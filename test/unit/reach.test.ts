import { describe, expect, it } from "vitest";
import { fieldsForReach, reachOf, serverUrlOf, tlsProblem, type ReachFields } from "../../helper/config/reach.js";
import { mergeSettings } from "../../helper/config/settings-store.js";
import { Settings } from "../../helper/protocol/schema.js";

const loopback: ReachFields = { listenAddr: "127.0.0.1:8080", stunListenAddr: "127.0.0.1:3479", tls: { mode: "off" } };
const acme = {
  mode: "acme" as const,
  hostname: "hs.example.com",
  email: "me@example.com",
  challenge: "tls-alpn-01" as const,
};
const settings = Settings.parse({
  listenAddr: "127.0.0.1:8080",
  grpcListenAddr: "127.0.0.1:50443",
  stunListenAddr: "127.0.0.1:3479",
});

describe("reach", () => {
  it("lan listens everywhere on the same port with a URL on the first LAN address", () => {
    const lan = fieldsForReach(loopback, { reach: "lan" }, ["192.168.1.20", "10.0.0.5"]);
    expect(lan).toEqual({
      listenAddr: "0.0.0.0:8080",
      serverUrl: "http://192.168.1.20:8080",
      stunListenAddr: "0.0.0.0:3479",
      tls: { mode: "off" },
    });
    expect(reachOf(lan)).toBe("lan");
  });

  it("lan with no LAN address and no URL given says what to give", () => {
    expect(() => fieldsForReach(loopback, { reach: "lan" }, [])).toThrow(/serverUrl=http:/);
    expect(fieldsForReach(loopback, { reach: "lan", serverUrl: "http://box.lan:8080" }, []).serverUrl).toBe(
      "http://box.lan:8080",
    );
  });

  it("internet needs TLS, listens on 443 and serves https://hostname", () => {
    expect(() => fieldsForReach(loopback, { reach: "internet" }, [])).toThrow(/needs TLS/);
    const internet = fieldsForReach(loopback, { reach: "internet", tls: acme }, []);
    expect(internet.listenAddr).toBe("0.0.0.0:443");
    expect(internet.stunListenAddr).toBe("0.0.0.0:3478");
    expect(serverUrlOf(internet)).toBe("https://hs.example.com");
    expect(serverUrlOf({ ...internet, listenAddr: "0.0.0.0:8443" })).toBe("https://hs.example.com:8443");
    expect(reachOf(internet)).toBe("internet");
  });

  it("computer goes back to loopback, TLS off, the default URL", () => {
    const internet = fieldsForReach(loopback, { reach: "internet", tls: acme }, []);
    const back = fieldsForReach({ ...internet, serverUrl: "https://hs.example.com" }, { reach: "computer" }, []);
    expect(back).toEqual({ listenAddr: "127.0.0.1:443", stunListenAddr: "127.0.0.1:3478", tls: { mode: "off" } });
    expect(serverUrlOf(back)).toBe("http://127.0.0.1:443");
  });

  it("a TLS server URL must be https on the certificate's name", () => {
    expect(tlsProblem({ ...loopback, tls: acme, serverUrl: "http://hs.example.com" })).toMatch(/must be https/);
    expect(tlsProblem({ ...loopback, tls: acme, serverUrl: "https://other.example.com" })).toMatch(
      /not the certificate's name/,
    );
    expect(tlsProblem({ ...loopback, tls: acme })).toBeUndefined();
  });

  it("config set reach=… through mergeSettings: the fields it names win, a URL is cleared back to the default", () => {
    const lan = mergeSettings(settings, { reach: "lan", listenAddr: "0.0.0.0:9000" }, ["10.1.2.3"]);
    expect(lan.listenAddr).toBe("0.0.0.0:9000");
    expect(lan.serverUrl).toBe("http://10.1.2.3:9000");
    const internet = mergeSettings(lan, { reach: "internet", tls: acme }, []);
    expect(internet.serverUrl).toBeUndefined();
    expect(internet.tls).toEqual(acme);
    expect(() => mergeSettings(settings, { reach: "moon" }, [])).toThrow(/reach/);
    expect(() =>
      mergeSettings(settings, {
        tls: { mode: "files", hostname: "hs.example.com", certPath: "cert.pem", keyPath: "/k" },
      }),
    ).toThrow(/tls.certPath: the certificate's absolute path/);
  });
});
