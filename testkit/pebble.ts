/**
 * Pebble, Let's Encrypt's test ACME server (built into .tools/bin from tools/pebble), run inside a
 * namespace of the test topology. It really validates challenges: it connects to the name being
 * certified on port 443 (tls-alpn-01) or 80 (http-01), as Let's Encrypt would. Its own API
 * listener uses a certificate from the test CA; the certificates it issues chain to a root it
 * makes at each start, which `bundlePath` holds together with the test CA, for SSL_CERT_FILE.
 *
 * One difference from Let's Encrypt is put back by a small proxy in front of Pebble's API: Boulder
 * (Let's Encrypt's server) answers a finalize request with a `Location` header naming the order;
 * Pebble stopped sending it (letsencrypt/pebble#508, RFC 8555 does not require it), and
 * golang.org/x/crypto/acme before v0.59 (Headscale 0.29.3 has v0.53) then polls the order at ""
 * and never gets its certificate (golang/go#77704). The proxy adds that header and nothing else;
 * challenges are still validated by Pebble itself.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { projectRoot } from "../helper/project.js";
import { startInNamespace } from "./namespace-service.js";
import { cleanEnv, HOST_LAN_IP, PEBBLE_NAME, type Namespace } from "./netns.js";
import type { TestCa } from "./test-ca.js";

export const PEBBLE_PORT = 14000;
export const PEBBLE_MANAGEMENT_PORT = 15000;
/** Pebble's own API listener, on HOST's loopback, behind the proxy. */
const PEBBLE_INNER_PORT = 14001;

export interface Pebble {
  /** The ACME directory: https://pebble.test.internal:14000/dir. */
  directoryUrl: string;
  /** PEM: Pebble's issuing root and the test CA, for SSL_CERT_FILE of everything in the topology. */
  bundlePath: string;
  /** Pebble's issuing root alone (PEM). */
  rootPem: string;
  /** What Pebble printed so far (each validation it made is there, with its outcome). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Fetches an https URL from inside a namespace, trusting the given PEM file, and returns the body.
 * A tiny Node program, since the test process itself lives outside the topology.
 */
export async function fetchInNamespace(ns: Namespace, url: string, caFile: string): Promise<string> {
  const program = `
    const https = require("node:https");
    const ca = require("node:fs").readFileSync(process.env.CA_FILE);
    https.get(process.env.URL, { ca, timeout: 5000, headers: { "user-agent": "hsr-testkit" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => {
        if (res.statusCode !== 200) { console.error("HTTP " + res.statusCode + ": " + body); process.exit(1); }
        process.stdout.write(body);
      });
    }).on("error", (e) => { console.error(e.message); process.exit(1); });`;
  const { stdout } = await ns.run(process.execPath, ["-e", program], {
    env: cleanEnv({ URL: url, CA_FILE: caFile }),
    timeout: 15_000,
  });
  return stdout;
}

/** Who issued the certificate a TLS server presents (checked against `caFile`), seen from `ns`. */
export async function serverCertificate(
  ns: Namespace,
  host: string,
  port: number,
  caFile: string,
): Promise<{ subject: string; issuer: string; validTo: string; subjectAltName: string }> {
  const program = `
    const tls = require("node:tls");
    const socket = tls.connect({ host: process.env.HOST, port: Number(process.env.PORT), servername: process.env.HOST,
      ca: require("node:fs").readFileSync(process.env.CA_FILE), timeout: 10000 }, () => {
      const c = socket.getPeerCertificate();
      console.log(JSON.stringify({ subject: c.subject.CN, issuer: c.issuer.CN, validTo: c.valid_to, subjectAltName: c.subjectaltname }));
      socket.end();
    });
    socket.on("error", (e) => { console.error(e.message); process.exit(1); });`;
  const { stdout } = await ns.run(process.execPath, ["-e", program], {
    env: cleanEnv({ HOST: host, PORT: String(port), CA_FILE: caFile }),
    timeout: 15_000,
  });
  return JSON.parse(stdout) as { subject: string; issuer: string; validTo: string; subjectAltName: string };
}

/**
 * Starts Pebble in `ns` (HOST), with its files in `dir`. `ca` makes the certificate of its API.
 * Challenges are validated against port 443 (tls-alpn-01) and 80 (http-01) of the name asked for.
 */
export async function startPebble(ns: Namespace, dir: string, ca: TestCa): Promise<Pebble> {
  const api = await ca.leaf("pebble-api", { names: [PEBBLE_NAME, HOST_LAN_IP, "localhost", "127.0.0.1"] });
  const configPath = join(dir, "pebble-config.json");
  await writeFile(
    configPath,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${PEBBLE_INNER_PORT}`,
        managementListenAddress: `${HOST_LAN_IP}:${PEBBLE_MANAGEMENT_PORT}`,
        certificate: api.certPath,
        privateKey: api.keyPath,
        httpPort: 80,
        tlsPort: 443,
        ocspResponderURL: "",
        externalAccountBindingRequired: false,
        retryAfter: { authz: 1, order: 1 },
        keyAlgorithm: "ecdsa",
      },
    }),
    { mode: 0o600 },
  );
  // The log: Pebble's output, then its Location proxy's.
  let output = "";
  const pebble = startInNamespace(
    ns,
    "pebble",
    {
      file: join(projectRoot()!, ".tools", "bin", "pebble"),
      args: ["-config", configPath],
      env: cleanEnv({
        // Validate at once rather than after a random 0–15 s pause.
        PEBBLE_VA_NOSLEEP: "1",
        // Pebble rejects 5% of good nonces by default to exercise client retries: keep runs repeatable.
        PEBBLE_WFE_NONCEREJECT: "0",
      }),
    },
    (text) => (output += text),
  );
  const rootPem = await pebble.until(
    () => fetchInNamespace(ns, `https://${PEBBLE_NAME}:${PEBBLE_MANAGEMENT_PORT}/roots/0`, ca.certPath).catch(() => ""),
    { what: () => `Pebble to serve its root; it said: ${output}`, timeoutMs: 30_000, intervalMs: 200 },
  );
  if (!rootPem.includes("BEGIN CERTIFICATE")) throw new Error(`Pebble's root is not a certificate: ${rootPem}`);
  const proxy = await startLocationProxy(ns, api, ca.certPath, (text) => (output += text));
  const bundlePath = join(dir, "trust-bundle.pem");
  await writeFile(bundlePath, `${rootPem.trim()}\n${ca.certPem.trim()}\n`, { mode: 0o600 });
  return {
    directoryUrl: `https://${PEBBLE_NAME}:${PEBBLE_PORT}/dir`,
    bundlePath,
    rootPem,
    log: () => output,
    async stop() {
      await proxy.stop();
      await pebble.stop();
    },
  };
}

// The proxy: TLS in (the test CA's certificate for Pebble's name), TLS out to Pebble on loopback,
// the Host header kept (Pebble builds its URLs and checks JWS URLs from it). A finalize answer
// without a Location header gets the order's URL, as Boulder sends it.
const PROXY = `
const https = require("node:https");
const fs = require("node:fs");
const ca = fs.readFileSync(process.env.CA_FILE);
const server = https.createServer(
  { cert: fs.readFileSync(process.env.CERT_FILE), key: fs.readFileSync(process.env.KEY_FILE) },
  (req, res) => {
    const upstream = https.request(
      { host: "127.0.0.1", port: Number(process.env.UPSTREAM_PORT), method: req.method, path: req.url,
        headers: req.headers, ca, servername: process.env.NAME },
      (answer) => {
        const headers = { ...answer.headers };
        const prefix = "/finalize-order/";
        const order = req.url.startsWith(prefix) ? req.url.slice(prefix.length).split("?")[0] : "";
        if (order && !headers.location) {
          headers.location = "https://" + req.headers.host + "/my-order/" + order;
          console.log("location proxy: added Location to the finalize answer of order " + order);
        }
        res.writeHead(answer.statusCode, headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", (e) => { res.writeHead(502); res.end(String(e)); });
    req.pipe(upstream);
  },
);
server.listen(Number(process.env.PORT), process.env.ADDRESS, () => console.log("location proxy listening"));`;

async function startLocationProxy(
  ns: Namespace,
  cert: { certPath: string; keyPath: string },
  caFile: string,
  onOutput: (text: string) => void,
): Promise<{ stop(): Promise<void> }> {
  const proxy = startInNamespace(
    ns,
    "the Location proxy",
    {
      file: process.execPath,
      args: ["-e", PROXY],
      env: cleanEnv({
        CA_FILE: caFile,
        CERT_FILE: cert.certPath,
        KEY_FILE: cert.keyPath,
        UPSTREAM_PORT: String(PEBBLE_INNER_PORT),
        NAME: PEBBLE_NAME,
        PORT: String(PEBBLE_PORT),
        ADDRESS: HOST_LAN_IP,
      }),
    },
    onOutput,
  );
  await proxy.until(() => proxy.output().includes("location proxy listening"), {
    what: "Pebble's Location proxy to listen",
    timeoutMs: 10_000,
  });
  return proxy;
}
