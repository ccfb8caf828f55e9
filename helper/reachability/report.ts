/**
 * Whether devices can reach this server, in plain words, from what the probe found. Pure:
 * the probe (probe.ts) does the lookups and the connection.
 */
import type { Reach } from "../protocol/reach.js";
import type { Check, Reachability, TailnetStatus } from "../protocol/types.js";

/** Under this many days a certificate gets a warning. */
export const CERTIFICATE_WARN_DAYS = 14;

/** The certificate a device is shown. */
export interface PeerCertificate {
  name: string;
  notAfter: Date;
  issuer: string;
}

/** What the probe found, and what the report judges it against. */
export interface Findings {
  reach: Reach;
  serverUrl: string;
  derp: "embedded" | "public";
  /** For http-01, port 80 must be forwarded too. */
  http01: boolean;
  headscaleRunning: boolean;
  /** What the server URL's host resolved to, or why it did not. */
  resolved: { addresses: string[] } | { error: string };
  /** Every address of this computer's interfaces. */
  local: string[];
  /** /health asked through the server URL; undefined when Headscale is not running. */
  health?:
    { status: number; tls?: { trusted: boolean; error?: string; certificate: PeerCertificate } } | { error: string };
  /** This computer's own node, when the bridge runs one. */
  node?: TailnetStatus;
  now: Date;
}

const ok = (detail: string): Check => ({ ok: true, detail, fix: null, warning: false });
const bad = (detail: string, fix: string | null): Check => ({ ok: false, detail, fix, warning: false });
const unknown = (detail: string, fix: string | null = null): Check => ({ ok: null, detail, fix, warning: false });

const INTERNET_FIX =
  'serve TLS so the relay works: config set reach=internet tls=\'{"mode":"acme","hostname":"hs.example.com","email":"you@example.com"}\'';

/** The checks, each with what to change, and the one-line summary. */
export function reachabilityReport(f: Findings): Reachability {
  const url = new URL(f.serverUrl);
  const https = url.protocol === "https:";
  const resolves = resolvesCheck(f, url.hostname);
  const health = healthCheck(f);
  const certificate =
    f.health && "status" in f.health && f.health.tls
      ? {
          name: f.health.tls.certificate.name,
          notAfter: f.health.tls.certificate.notAfter.toISOString(),
          daysLeft: Math.floor((f.health.tls.certificate.notAfter.getTime() - f.now.getTime()) / 86_400_000),
          issuer: f.health.tls.certificate.issuer,
        }
      : null;
  const certificateCheck = !https
    ? unknown("no TLS: the server URL is plain http")
    : !certificate
      ? unknown("not seen: /health did not answer over TLS", null)
      : certificate.daysLeft < 0
        ? bad(`${certificate.name} expired on ${certificate.notAfter.slice(0, 10)}`, "renew the certificate")
        : certificate.daysLeft < CERTIFICATE_WARN_DAYS
          ? {
              ...ok(`${certificate.name} expires in ${certificate.daysLeft} days`),
              fix: "renew it before devices stop trusting the server",
              warning: true,
            }
          : ok(`${certificate.name}, ${certificate.daysLeft} days left (issuer ${certificate.issuer})`);
  const relay = relayCheck(f, https);
  return {
    reach: f.reach,
    serverUrl: f.serverUrl,
    resolves,
    health,
    certificate,
    certificateCheck,
    relay,
    summary: summary(f, { resolves, health, relay, certificateCheck }),
  };
}

function resolvesCheck(f: Findings, host: string): Check {
  if ("error" in f.resolved) {
    return bad(
      `${host} does not resolve (${f.resolved.error})`,
      `make ${host} a DNS name of this computer's address, or use an address in serverUrl`,
    );
  }
  const here = f.resolved.addresses.filter((address) => f.local.includes(address));
  const list = f.resolved.addresses.join(", ");
  if (here.length > 0) return ok(`${host} is ${list}: this computer`);
  if (f.reach === "lan") {
    // On a LAN the URL names this computer directly: another address is a stale one (DHCP moved it).
    return bad(
      `${host} is ${list}, not an address of this computer`,
      "config set reach=lan (picks the current address)",
    );
  }
  // Behind a router the name is the router's public address: fine when it forwards the ports here.
  return unknown(
    `${host} is ${list}, not an address of this computer`,
    `fine if that is your router and it forwards ${ports(f)} here`,
  );
}

function ports(f: Findings): string {
  const url = new URL(f.serverUrl);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return [`TCP ${port}`, ...(f.http01 ? ["TCP 80"] : []), ...(f.derp === "embedded" ? ["UDP 3478 (STUN)"] : [])].join(
    ", ",
  );
}

function healthCheck(f: Findings): Check {
  if (!f.headscaleRunning || !f.health) return unknown("Headscale is not running", "headscale-remote start");
  if ("error" in f.health) {
    const elsewhere = "addresses" in f.resolved && !f.resolved.addresses.some((a) => f.local.includes(a));
    // A router without NAT loopback does not let this computer reach its own public address.
    const fix = elsewhere
      ? `if devices elsewhere get through, your router lacks NAT loopback: add "127.0.0.1 ${new URL(f.serverUrl).hostname}" to /etc/hosts`
      : null;
    return bad(`/health through ${f.serverUrl} failed: ${f.health.error}`, fix);
  }
  if (f.health.tls && !f.health.tls.trusted) {
    return bad(
      `${f.serverUrl} answers, but a device would refuse its certificate: ${f.health.tls.error ?? "not trusted"}`,
      "use a certificate from a public CA for this name (ACME does that)",
    );
  }
  return f.health.status === 200
    ? ok(`/health answers through ${f.serverUrl}`)
    : bad(`/health through ${f.serverUrl} answered ${f.health.status}`, null);
}

function relayCheck(f: Findings, https: boolean): Check {
  if (f.derp === "public") return unknown("Tailscale's public relays: devices use them over the internet");
  if (f.reach === "computer") return unknown("not needed: only this computer can join");
  if (!https) {
    return bad(
      "Headscale's relay needs TLS: over plain HTTP stock Tailscale clients cannot use it, so a device that cannot reach this computer directly (a phone on mobile data) gets no connection",
      INTERNET_FIX,
    );
  }
  const node = f.node;
  if (!node || node.state === "off")
    return unknown("served over TLS; this computer's node is not up to confirm it (bridge up)");
  if (node.relayProblem) return bad(`this computer's node cannot use it: ${node.relayProblem}`, null);
  // Its home relay is named before it is connected (netcheck picks it): only a running node with no
  // relay warning has shown that it works.
  if (node.relay && node.state === "Running") return ok(`this computer's node uses relay "${node.relay}"`);
  return unknown(`served over TLS; this computer's node (${node.state}) has no relay yet`);
}

function summary(
  f: Findings,
  checks: { resolves: Check; health: Check; relay: Check; certificateCheck: Check },
): string {
  if (f.reach === "computer") {
    return "Only this computer can join. For devices on your network: reach=lan; for devices anywhere: reach=internet with TLS.";
  }
  const failing = [checks.health, checks.resolves, checks.certificateCheck, checks.relay].find(
    (check) => check.ok === false && check !== (f.reach === "lan" ? checks.relay : undefined),
  );
  const failed = failing ? `${failing.detail}.${failing.fix ? ` Fix: ${failing.fix}.` : ""}` : "";
  if (f.reach === "lan") {
    if (failing) return `Devices on this network may not get through: ${failed}`;
    return `Devices on this network join at ${f.serverUrl}; devices elsewhere cannot get through (no relay over plain HTTP). For them: reach=internet with TLS.`;
  }
  if (failing) return `Devices off this network may not get through: ${failed}`;
  return `Devices anywhere join at ${f.serverUrl}; forward ${ports(f)} to this computer if it is behind a router.`;
}
