import { describe, expect, it } from "vitest";
import { reachabilityReport, type Findings } from "../../helper/reachability/report.js";

const now = new Date("2026-12-04T00:00:00Z");
const certificate = { name: "hs.example.com", notAfter: new Date("2027-02-01T00:00:00Z"), issuer: "R1" };
const base: Findings = {
  reach: "internet",
  serverUrl: "https://hs.example.com",
  derp: "embedded",
  http01: false,
  headscaleRunning: true,
  resolved: { addresses: ["10.77.0.1"] },
  local: ["127.0.0.1", "10.77.0.1"],
  health: {
    status: 200,
    tls: { trusted: true, certificate },
  },
  node: {
    state: "Running",
    hostname: "vm",
    ipv4: "100.64.0.1",
    ipv6: null,
    account: "me",
    lastError: null,
    relay: "headscale",
    relayProblem: null,
  },
  now,
};

describe("reachability report", () => {
  it("all well over TLS: every check ok, devices anywhere get through", () => {
    const r = reachabilityReport(base);
    expect([r.resolves.ok, r.health.ok, r.certificateCheck.ok, r.relay.ok]).toEqual([true, true, true, true]);
    expect(r.certificate).toMatchObject({ name: "hs.example.com", daysLeft: 59 });
    expect(r.summary).toMatch(/^Devices anywhere join at https:\/\/hs.example.com; forward TCP 443, UDP 3478/);
  });

  it("plain HTTP: the relay is named unusable for stock clients, with the fix", () => {
    const r = reachabilityReport({
      ...base,
      reach: "lan",
      serverUrl: "http://10.77.0.1:8080",
      health: { status: 200 },
    });
    expect(r.relay.ok).toBe(false);
    expect(r.relay.detail).toMatch(/needs TLS/);
    expect(r.relay.fix).toMatch(/reach=internet/);
    expect(r.certificate).toBeNull();
    expect(r.summary).toMatch(/devices elsewhere cannot get through/);
  });

  it("a certificate under 14 days warns; an untrusted one is what a device would refuse", () => {
    const soon = reachabilityReport({
      ...base,
      health: {
        status: 200,
        tls: {
          trusted: true,
          certificate: { name: "hs.example.com", notAfter: new Date("2026-12-10T00:00:00Z"), issuer: "R1" },
        },
      },
    });
    expect(soon.certificateCheck).toMatchObject({
      ok: true,
      warning: true,
      detail: "hs.example.com expires in 6 days",
    });
    const untrusted = reachabilityReport({
      ...base,
      health: { status: 200, tls: { trusted: false, error: "SELF_SIGNED_CERT_IN_CHAIN", certificate } },
    });
    expect(untrusted.health.ok).toBe(false);
    expect(untrusted.summary).toMatch(/SELF_SIGNED_CERT_IN_CHAIN/);
  });

  it("a name that is not this computer's is not called wrong (a router may forward it), a missing one is", () => {
    expect(reachabilityReport({ ...base, resolved: { addresses: ["203.0.113.9"] } }).resolves).toMatchObject({
      ok: null,
    });
    expect(reachabilityReport({ ...base, resolved: { error: "ENOTFOUND" } }).resolves.ok).toBe(false);
  });

  it("the node's relay problem, in tsnet's words, fails the relay check", () => {
    const r = reachabilityReport({
      ...base,
      node: { ...base.node!, relay: "headscale", relayProblem: "Relay server unavailable" },
    });
    expect(r.relay).toMatchObject({
      ok: false,
      detail: "this computer's node cannot use it: Relay server unavailable",
    });
  });
});
