import { describe, expect, it } from "vitest";
import { fieldsForReach, reachOf, serverUrlOf, tlsProblem, type ReachFields } from "../../helper/config/reach.js";
import { mergeSettings } from "../../helper/config/settings-store.js";
import { Settings } from "../../helper/protocol/settings.js";

const loopback: ReachFields = { listenAddr: "127.0.0.1:8080", stunListenAddr: "127.0.0.1:3479", tls: { mode: "off" } };
const acme = {
  mode: "acme" as const,
  hostname: "hs.example.com",
  email: "me@example.com",
  challenge: "tls-alpn-01" as const,
};
const ctx = (...lanAddresses: string[]) => ({ lanAddresses, sparePort: 9999 });
const settings = Settings.parse({
  listenAddr: "127.0.0.1:8080",
  grpcListenAddr: "127.0.0.1:50443",
  stunListenAddr: "127.0.0.1:3479",
});

describe("reach", () => {
  it("lan listens everywhere on the same port with a URL on the first LAN address", () => {
    const lan = fieldsForReach(loopback, { reach: "lan" }, ctx("192.168.1.20", "10.0.0.5"));
    expect(lan).toEqual({
      listenAddr: "0.0.0.0:8080",
      serverUrl: "http://192.168.1.20:8080",
      stunListenAddr: "0.0.0.0:3479",
      tls: { mode: "off" },
    });
    expect(reachOf(lan)).toBe("lan");
  });

  it("lan with no LAN address and no URL given says what to give", () => {
    expect(() => fieldsForReach(loopback, { reach: "lan" }, ctx())).toThrow(/serverUrl=http:/);
    expect(fieldsForReach(loopback, { reach: "lan", serverUrl: "http://box.lan:8080" }, ctx()).serverUrl).toBe(
      "http://box.lan:8080",
    );
  });

  it("internet needs TLS, listens on 443 and serves https://hostname", () => {
    expect(() => fieldsForReach(loopback, { reach: "internet" }, ctx())).toThrow(/needs TLS/);
    const internet = fieldsForReach(loopback, { reach: "internet", tls: acme }, ctx());
    expect(internet.listenAddr).toBe("0.0.0.0:443");
    expect(internet.stunListenAddr).toBe("0.0.0.0:3478");
    expect(serverUrlOf(internet)).toBe("https://hs.example.com");
    expect(serverUrlOf({ ...internet, listenAddr: "0.0.0.0:8443" })).toBe("https://hs.example.com:8443");
    expect(reachOf(internet)).toBe("internet");
  });

  it("computer goes back to loopback, TLS off, the default URL", () => {
    const internet = fieldsForReach(loopback, { reach: "internet", tls: acme }, ctx());
    const back = fieldsForReach({ ...internet, serverUrl: "https://hs.example.com" }, { reach: "computer" }, ctx());
    // 443 would need privileges on loopback: a free port instead.
    expect(back).toEqual({ listenAddr: "127.0.0.1:9999", stunListenAddr: "127.0.0.1:3478", tls: { mode: "off" } });
    expect(serverUrlOf(back)).toBe("http://127.0.0.1:9999");
  });

  it("TLS only with reach=internet; a wildcard listener needs a URL; a moved port takes the URL along", () => {
    expect(() => fieldsForReach(loopback, { reach: "lan", tls: acme }, ctx("10.0.0.5"))).toThrow(
      /TLS comes with reach=internet/,
    );
    expect(() => mergeSettings(settings, { tls: acme })).toThrow(/listener is on loopback: add reach=internet/);
    expect(() => mergeSettings(settings, { listenAddr: "0.0.0.0:8080" })).toThrow(/needs the URL devices use/);
    const lan = mergeSettings(settings, { reach: "lan" }, ctx("192.168.1.20"));
    expect(mergeSettings(lan, { listenAddr: "0.0.0.0:9090" }).serverUrl).toBe("http://192.168.1.20:9090");
    const forwarded = mergeSettings(lan, { serverUrl: "http://box.example:80" });
    expect(mergeSettings(forwarded, { listenAddr: "0.0.0.0:9090" }).serverUrl).toBe("http://box.example:80");
  });

  it("a TLS server URL must be https on the certificate's name", () => {
    expect(tlsProblem({ ...loopback, tls: acme, serverUrl: "http://hs.example.com" })).toMatch(/must be https/);
    expect(tlsProblem({ ...loopback, tls: acme, serverUrl: "https://other.example.com" })).toMatch(
      /not the certificate's name/,
    );
    expect(tlsProblem({ ...loopback, listenAddr: "0.0.0.0:443", tls: acme })).toBeUndefined();
  });

  it("config set reach=… through mergeSettings: the fields it names win, a URL is cleared back to the default", () => {
    const lan = mergeSettings(settings, { reach: "lan", listenAddr: "0.0.0.0:9000" }, ctx("10.1.2.3"));
    expect(lan.listenAddr).toBe("0.0.0.0:9000");
    expect(lan.serverUrl).toBe("http://10.1.2.3:9000");
    const internet = mergeSettings(lan, { reach: "internet", tls: acme }, ctx());
    expect(internet.serverUrl).toBeUndefined();
    expect(internet.tls).toEqual(acme);
    expect(() => mergeSettings(settings, { reach: "moon" }, ctx())).toThrow(/reach/);
    expect(() =>
      mergeSettings(settings, {
        tls: { mode: "files", hostname: "hs.example.com", certPath: "cert.pem", keyPath: "/k" },
      }),
    ).toThrow(/tls.certPath: the certificate's absolute path/);
  });
});
