/** Headscale Status' reachability rows, from a server.reachability answer: no helper, no Raycast. */
import { describe, expect, it } from "vitest";
import type { Reachability } from "../../helper/protocol/types.js";
import { certificateRow, overallVerdict, reachabilityMarkdown, reachabilityRows } from "../../src/lib/reachability.js";

const ok = (detail: string) => ({ ok: true, detail, fix: null, warning: false });
const sample = (over: Partial<Reachability> = {}): Reachability => ({
  reach: "internet",
  serverUrl: "https://hs.example.com",
  resolves: ok("hs.example.com resolves to 203.0.113.7, this computer's router"),
  health: ok("/health answered 200 through https://hs.example.com"),
  certificate: { name: "hs.example.com", notAfter: "2027-02-01T00:00:00Z", daysLeft: 60, issuer: "Let's Encrypt" },
  certificateCheck: ok("valid for hs.example.com"),
  relay: ok("the embedded relay answers over TLS"),
  summary: "Devices anywhere can reach https://hs.example.com.",
  ...over,
});

describe("reachability rows", () => {
  it("lists the URL, the name, /health, the certificate and the relay, each with its detail", () => {
    const rows = reachabilityRows(sample());
    expect(rows.map((r) => [r.title, r.verdict])).toEqual([
      ["Devices Use", "unknown"],
      ["Name Resolves Here", "ok"],
      ["/health Through the URL", "ok"],
      ["Certificate", "ok"],
      ["Relay Usable", "ok"],
    ]);
    expect(rows[0]!.detail).toBe("https://hs.example.com (Internet (TLS))");
    expect(rows[3]!.detail).toBe("hs.example.com · 60 days left (until 2027-02-01) · Let's Encrypt");
    expect(overallVerdict(rows)).toBe("ok");
  });

  it("shows the helper's warning for a certificate near its end, and an expired one as a problem", () => {
    const soon = certificateRow(
      sample({
        certificate: { ...sample().certificate!, daysLeft: 3 },
        certificateCheck: { ok: true, detail: "expires in 3 days", fix: "renew it", warning: true },
      }),
    );
    expect(soon).toMatchObject({ verdict: "warning", fix: "renew it" });
    expect(soon.detail).toMatch(/3 days left/);
    const expired = certificateRow(
      sample({
        certificate: { ...sample().certificate!, daysLeft: -2 },
        certificateCheck: { ok: false, detail: "expired", fix: "Renew the certificate", warning: false },
      }),
    );
    expect(expired).toMatchObject({ verdict: "problem", fix: "Renew the certificate" });
    expect(expired.detail).toMatch(/expired 2 days ago/);
  });

  it("shows a problem with its fix, and no certificate without TLS", () => {
    const r = sample({
      reach: "lan",
      serverUrl: "http://192.168.1.10:8080",
      certificate: null,
      certificateCheck: { ok: null, detail: "no TLS: plain HTTP", fix: null, warning: false },
      relay: {
        ok: false,
        detail: "stock clients use the relay over TLS only",
        fix: "Choose Internet with TLS",
        warning: false,
      },
      summary: "Devices off this network cannot get through: choose Internet with TLS.",
    });
    const rows = reachabilityRows(r);
    expect(rows[3]).toEqual({ title: "Certificate", verdict: "unknown", detail: "no TLS: plain HTTP", fix: null });
    expect(rows[4]).toMatchObject({ verdict: "problem", fix: "Choose Internet with TLS" });
    expect(overallVerdict(rows)).toBe("problem");
    const markdown = reachabilityMarkdown(r);
    expect(markdown.split("\n")[0]).toBe(`## ${r.summary}`);
    expect(markdown).toContain("> Fix: Choose Internet with TLS");
  });
});
