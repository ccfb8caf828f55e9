/** Server Settings' pure form logic: the loaded values, each field's check, and the patch that names only changes. */
import { describe, expect, it } from "vitest";
import { Settings, SettingsPatch, type ConfigView } from "../../helper/protocol/settings.js";
import { mergeSettings } from "../../helper/config/settings-store.js";
import { fieldProblem, formProblems } from "../../src/lib/server-settings-checks.js";
import {
  formFromConfig,
  linkedChanges,
  parseNameservers,
  patchFromForm,
  savedTitle,
  tlsFromForm,
  visibleFields,
  type SettingsForm,
} from "../../src/lib/server-settings-model.js";

const settings = (over: Record<string, unknown> = {}) =>
  Settings.parse({
    listenAddr: "127.0.0.1:8080",
    grpcListenAddr: "127.0.0.1:50443",
    stunListenAddr: "127.0.0.1:3478",
    ...over,
  });
const view = (over: Record<string, unknown> = {}, extra: Partial<ConfigView> = {}): ConfigView => ({
  settings: settings(over),
  configPath: "/home/me/config.yaml",
  editedByHand: false,
  ...extra,
});
const LOCAL = formFromConfig(view({}, { reach: "computer", serverUrl: "http://127.0.0.1:8080" }));
const edit = (over: Partial<SettingsForm>, from = LOCAL): SettingsForm => ({ ...from, ...over });
const ACME: Partial<SettingsForm> = {
  reach: "internet",
  tlsMode: "acme",
  tlsHostname: "hs.example.com",
  acmeEmail: "me@example.com",
};

describe("formFromConfig", () => {
  it("reads the settings as the form shows them", () => {
    expect(LOCAL).toEqual({
      reach: "computer",
      listenAddr: "127.0.0.1:8080",
      serverUrl: "",
      tlsMode: "off",
      tlsHostname: "",
      acmeEmail: "",
      acmeChallenge: "tls-alpn-01",
      acmeUrl: "",
      certPath: [],
      keyPath: [],
      derp: "embedded",
      magicDns: false,
      baseDomain: "",
      nameservers: "",
      autoStart: true,
    });
  });

  it("reads TLS, DNS and a set server URL; an older helper's view (no reach) gets one from the fields", () => {
    const form = formFromConfig(
      view({
        listenAddr: "0.0.0.0:443",
        serverUrl: "https://hs.example.com",
        tls: { mode: "files", hostname: "hs.example.com", certPath: "/etc/hs/cert.pem", keyPath: "/etc/hs/key.pem" },
        dns: { magicDns: true, baseDomain: "tail.example", nameservers: ["192.0.2.53", "192.0.2.54"] },
        autoStart: false,
      }),
    );
    expect(form).toMatchObject({
      reach: "internet",
      serverUrl: "https://hs.example.com",
      tlsMode: "files",
      tlsHostname: "hs.example.com",
      certPath: ["/etc/hs/cert.pem"],
      keyPath: ["/etc/hs/key.pem"],
      magicDns: true,
      baseDomain: "tail.example",
      nameservers: "192.0.2.53, 192.0.2.54",
      autoStart: false,
    });
    expect(formFromConfig(view({ listenAddr: "0.0.0.0:8080" })).reach).toBe("lan");
  });
});

describe("patchFromForm", () => {
  it("sends nothing when nothing changed, and only what changed otherwise", () => {
    expect(patchFromForm(LOCAL, LOCAL)).toEqual({});
    expect(patchFromForm(LOCAL, edit({ autoStart: false }))).toEqual({ autoStart: false });
    expect(patchFromForm(LOCAL, edit({ derp: "public" }))).toEqual({ derp: "public" });
    expect(patchFromForm(LOCAL, edit({ listenAddr: " 127.0.0.1:9090 " }))).toEqual({ listenAddr: "127.0.0.1:9090" });
  });

  it("sends only the DNS fields that changed, nameservers as a list", () => {
    expect(patchFromForm(LOCAL, edit({ magicDns: true, baseDomain: "Tail.Example" }))).toEqual({
      dns: { magicDns: true, baseDomain: "tail.example" },
    });
    expect(patchFromForm(LOCAL, edit({ nameservers: "192.0.2.53,  2001:db8::53, " }))).toEqual({
      dns: { nameservers: ["192.0.2.53", "2001:db8::53"] },
    });
    const withDns = edit({ nameservers: "192.0.2.53, 192.0.2.54" });
    expect(patchFromForm(withDns, edit({ nameservers: "192.0.2.53 ,192.0.2.54" }))).toEqual({});
    expect(patchFromForm(withDns, edit({ nameservers: "" }))).toEqual({ dns: { nameservers: [] } });
  });

  it("sends a new reach alone, so the helper picks the listen address and URL", () => {
    expect(patchFromForm(LOCAL, edit({ reach: "lan" }))).toEqual({ reach: "lan" });
    // With what the person typed, which wins over the reach's choice.
    expect(patchFromForm(LOCAL, edit({ reach: "lan", serverUrl: "http://nas.local:8080" }))).toEqual({
      reach: "lan",
      serverUrl: "http://nas.local:8080",
    });
  });

  it("sends the Internet reach with the whole TLS of the chosen mode", () => {
    expect(patchFromForm(LOCAL, edit({ ...ACME, acmeUrl: "https://acme.test/dir", certPath: ["/x"] }))).toEqual({
      reach: "internet",
      tls: {
        mode: "acme",
        hostname: "hs.example.com",
        email: "me@example.com",
        challenge: "tls-alpn-01",
        acmeUrl: "https://acme.test/dir",
      },
    });
    const files = edit({ reach: "internet", tlsMode: "files", tlsHostname: "HS.example.com", certPath: ["/c.pem"] });
    expect(patchFromForm(LOCAL, { ...files, keyPath: ["/k.pem"], acmeEmail: "ignored@example.com" })).toEqual({
      reach: "internet",
      tls: { mode: "files", hostname: "hs.example.com", certPath: "/c.pem", keyPath: "/k.pem" },
    });
  });

  it("leaves TLS to the reach when leaving the Internet, and clears a server URL with null", () => {
    const internet = edit({ ...ACME, listenAddr: "0.0.0.0:443", serverUrl: "https://hs.example.com" });
    expect(patchFromForm(internet, edit({ reach: "lan", tlsMode: "off", serverUrl: "" }, internet))).toEqual({
      reach: "lan",
      serverUrl: null,
    });
    // Staying on the Internet, a new email is the whole TLS again.
    expect(patchFromForm(internet, edit({ acmeEmail: "new@example.com" }, internet))).toEqual({
      tls: { mode: "acme", hostname: "hs.example.com", email: "new@example.com", challenge: "tls-alpn-01" },
    });
  });

  it("makes patches the helper's schema accepts and that mean what the form said", () => {
    const current = settings();
    const lan = patchFromForm(LOCAL, edit({ reach: "lan", magicDns: true, baseDomain: "tail.example" }));
    expect(SettingsPatch.safeParse(lan).success).toBe(true);
    const merged = mergeSettings(current, lan, { lanAddresses: ["192.168.1.10"], sparePort: 9999 });
    expect(merged).toMatchObject({ listenAddr: "0.0.0.0:8080", serverUrl: "http://192.168.1.10:8080" });
    expect(merged.dns).toMatchObject({ magicDns: true, baseDomain: "tail.example" });

    const internet = patchFromForm(LOCAL, edit(ACME));
    expect(SettingsPatch.safeParse(internet).success).toBe(true);
    expect(mergeSettings(current, internet)).toMatchObject({
      listenAddr: "0.0.0.0:443",
      tls: { mode: "acme", hostname: "hs.example.com" },
    });
  });
});

describe("checks", () => {
  it("words each field's problem as the helper's schema does", () => {
    expect(fieldProblem("listenAddr", "localhost")).toBe("host:port, e.g. 127.0.0.1:8080");
    expect(fieldProblem("listenAddr", "0.0.0.0:70000")).toBe("the port must be from 1 to 65535");
    expect(fieldProblem("listenAddr", "0.0.0.0:8080")).toBeUndefined();
    expect(fieldProblem("serverUrl", "")).toBeUndefined();
    expect(fieldProblem("serverUrl", "hs.example.com")).toBe("a URL starting with http:// or https://");
    expect(fieldProblem("tlsHostname", "localhost")).toBe(
      "a fully qualified host name (not an IP address), e.g. hs.example.com",
    );
    expect(fieldProblem("acmeEmail", "me")).toMatch(/email address/);
    expect(fieldProblem("acmeUrl", "http://acme.test")).toBe("an https:// ACME directory URL");
    expect(fieldProblem("acmeUrl", "")).toBeUndefined();
    expect(fieldProblem("certPath", [])).toMatch(/certificate/);
    expect(fieldProblem("baseDomain", "bad..name")).toMatch(/domain name/);
    expect(fieldProblem("nameservers", "192.0.2.53, 192.0.2.54:53")).toMatch(/^192\.0\.2\.54:53: an IP address/);
    // A field Raycast did not submit (a TLS field not shown) is not checked.
    expect(fieldProblem("tlsHostname", undefined)).toBeUndefined();
  });

  it("checks only the TLS fields of the chosen mode", () => {
    expect(visibleFields({ tlsMode: "off" })).not.toContain("tlsHostname");
    expect(visibleFields({ tlsMode: "acme" })).toEqual(expect.arrayContaining(["tlsHostname", "acmeEmail"]));
    expect(visibleFields({ tlsMode: "files" })).not.toContain("acmeEmail");
    expect(formProblems(edit({ ...ACME, acmeEmail: "" }), LOCAL)).toEqual({ acmeEmail: expect.any(String) });
    expect(formProblems(edit({ ...ACME, acmeEmail: "me@example.com", certPath: [] }), LOCAL)).toEqual({});
  });

  it("keeps reach and TLS together", () => {
    expect(formProblems(edit({ reach: "internet" }), LOCAL).tlsMode).toMatch(/Internet needs TLS/);
    expect(formProblems(edit({ ...ACME, reach: "lan" }), LOCAL).tlsMode).toMatch(/TLS comes with the Internet/);
    // The helper refuses TLS on a loopback listener: devices beyond this computer are what it is for.
    expect(formProblems(edit({ ...ACME, reach: "computer" }), LOCAL).tlsMode).toMatch(/TLS comes with the Internet/);
    expect(linkedChanges(LOCAL, "tlsMode", "files")).toEqual({ reach: "internet" });
    expect(linkedChanges(LOCAL, "reach", "internet")).toEqual({ tlsMode: "acme" });
    expect(linkedChanges(edit(ACME), "reach", "computer")).toEqual({ tlsMode: "off" });
    expect(linkedChanges(LOCAL, "reach", "lan")).toEqual({});
  });

  it("checks an edited listen address against the reach", () => {
    expect(formProblems(edit({ listenAddr: "0.0.0.0:8080" }), LOCAL).listenAddr).toMatch(/loopback/);
    expect(formProblems(edit({ reach: "lan", listenAddr: "127.0.0.1:9090" }), LOCAL).listenAddr).toMatch(/0\.0\.0\.0/);
    // Not edited: the new reach picks it.
    expect(formProblems(edit({ reach: "lan" }), LOCAL)).toEqual({});
  });

  it("wants an https server URL on the certificate's name with TLS", () => {
    expect(formProblems(edit({ ...ACME, serverUrl: "http://hs.example.com" }), LOCAL).serverUrl).toMatch(/https/);
    expect(formProblems(edit({ ...ACME, serverUrl: "https://other.example.com" }), LOCAL).serverUrl).toMatch(
      /not the certificate's name/,
    );
    expect(formProblems(edit({ ...ACME, serverUrl: "https://hs.example.com" }), LOCAL)).toEqual({});
  });

  it("applies Headscale's DNS rules with the server's host", () => {
    expect(formProblems(edit({ magicDns: true }), LOCAL)).toEqual({ baseDomain: "required when MagicDNS is on" });
    expect(formProblems(edit({ ...ACME, magicDns: true, baseDomain: "example.com" }), LOCAL).baseDomain).toMatch(
      /may not be the server's host \(hs\.example\.com\)/,
    );
    const onNas = edit({ serverUrl: "http://nas.tail.example:8080", baseDomain: "tail.example" });
    expect(formProblems(onNas, LOCAL).baseDomain).toMatch(/may not be/);
    expect(formProblems(edit({ magicDns: true, baseDomain: "tail.example" }), LOCAL, "http://127.0.0.1:8080")).toEqual(
      {},
    );
  });
});

describe("small parts", () => {
  it("parses nameservers, builds TLS only from the chosen mode, and names the new URL", () => {
    expect(parseNameservers(" 192.0.2.53,,https://dns.example/dns-query  2001:db8::53")).toEqual([
      "192.0.2.53",
      "https://dns.example/dns-query",
      "2001:db8::53",
    ]);
    expect(tlsFromForm(edit({ tlsHostname: "hs.example.com" }))).toEqual({ mode: "off" });
    expect(savedTitle(view({}, { serverUrl: "https://hs.example.com" }))).toBe(
      "Saved: devices use https://hs.example.com",
    );
  });
});
