/**
 * Pebble, Let's Encrypt's test ACME server (built into .tools/bin from tools/pebble), run inside a
 * namespace of the test topology. It really validates challenges: it connects to the name being
 * certified on port 443 (tls-alpn-01) or 80 (http-01), as Let's Encrypt would. Its own API
 * listener uses a certificate from the test CA; the certificates it issues chain to a root it
 * makes at each start, which `bundlePath` holds together with the test CA, for SSL_CERT_FILE.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ResultPromise } from "execa";
import { projectRoot } from "../helper/project.js";
import { cleanEnv, HOST_LAN_IP, PEBBLE_NAME, type Namespace } from "./netns.js";
import type { TestCa } from "./test-ca.js";
import { waitUntil } from "./wait.js";

export const PEBBLE_PORT = 14000;
export const PEBBLE_MANAGEMENT_PORT = 15000;

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
        listenAddress: `${HOST_LAN_IP}:${PEBBLE_PORT}`,
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
  let output = "";
  const child: ResultPromise = ns.spawn(join(projectRoot()!, ".tools", "bin", "pebble"), ["-config", configPath], {
    env: cleanEnv({
      // Validate at once rather than after a random 0–15 s pause.
      PEBBLE_VA_NOSLEEP: "1",
      // Pebble rejects 5% of good nonces by default to exercise client retries: keep runs repeatable.
      PEBBLE_WFE_NONCEREJECT: "0",
    }),
    reject: false,
    all: true,
    buffer: false,
    stdin: "ignore",
  });
  child.all!.setEncoding("utf8");
  child.all!.on("data", (chunk: string) => (output += chunk));
  const exited = child.then(() => true);
  let done = false;
  void exited.then(() => (done = true));

  const rootPem = await waitUntil(
    async () => {
      if (done) throw new Error(`pebble exited: ${output}`);
      return fetchInNamespace(
        ns,
        `https://${PEBBLE_NAME}:${PEBBLE_MANAGEMENT_PORT}/roots/0`,
        ca.certPath,
      ).catch(() => "");
    },
    { what: () => `Pebble to serve its root; it said: ${output}`, timeoutMs: 30_000, intervalMs: 200 },
  );
  if (!rootPem.includes("BEGIN CERTIFICATE")) throw new Error(`Pebble's root is not a certificate: ${rootPem}`);
  const bundlePath = join(dir, "trust-bundle.pem");
  await writeFile(bundlePath, `${rootPem.trim()}\n${ca.certPem.trim()}\n`, { mode: 0o600 });
  return {
    directoryUrl: `https://${PEBBLE_NAME}:${PEBBLE_PORT}/dir`,
    bundlePath,
    rootPem,
    log: () => output,
    async stop() {
      if (done) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}
