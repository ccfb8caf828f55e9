/**
 * A stock Tailscale client inside a namespace of the test topology (testkit/netns.ts): tailscaled
 * in userspace mode with none of the loopback suites' switches (no TS_DEBUG_USE_DERP_HTTP, no
 * TS_ASSUME_NETWORK_UP_FOR_TEST), so it reaches control and DERP over TLS and decides for itself
 * between a direct path and the relay, as on a real device. It trusts the test's certificates
 * through SSL_CERT_FILE only. The auth key goes through a 0600 file, never argv.
 */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ResultPromise } from "execa";
import { projectRoot } from "../helper/project.js";
import { cleanEnv, type Namespace } from "./netns.js";
import { tailscaledIn } from "./tailscaled.js";
import { waitUntil } from "./wait.js";

/** The part of `tailscale status --json` the tests read. */
export interface PeerStatus {
  HostName: string;
  DNSName?: string;
  TailscaleIPs?: string[];
  Online?: boolean;
  /** "ip:port" of the direct path in use; empty when traffic goes through DERP. */
  CurAddr?: string;
  /** The DERP region code the peer is reached through when there is no direct path. */
  Relay?: string;
  RxBytes?: number;
  TxBytes?: number;
}

export interface ClientStatus {
  BackendState: string;
  Self: PeerStatus;
  Peer?: Record<string, PeerStatus>;
  Health?: string[];
}

export interface EchoResult {
  ok: boolean;
  error?: string;
  bytes?: number;
  /** sha256 of what was sent, and of what came back. */
  sent?: string;
  received?: string;
  connectMs?: number;
  totalMs?: number;
}

export interface StockClient {
  ns: Namespace;
  hostname: string;
  /** tailscaled's SOCKS5 proxy, on 127.0.0.1 inside the client's namespace. */
  socks5Port: number;
  /** The client's folder (state, socket, logs; `tailscaled.log` holds what it printed). */
  dir: string;
  pid: number;
  /** Runs the tailscale CLI against this client's daemon (inside its namespace); stdout. */
  cli(args: string[], timeoutMs?: number): Promise<string>;
  /** `tailscale up` with the key from a 0600 file; returns how long it took. */
  up(loginServer: string, authKey: string): Promise<number>;
  status(): Promise<ClientStatus>;
  /** The peer holding `ip` among its Tailscale IPs, as this client sees it now. */
  peer(ip: string): Promise<PeerStatus | undefined>;
  /**
   * One connection through the SOCKS5 proxy to `host:port` (an echo service): sends `bytes`,
   * reads them back, closes. No retry. Runs inside the namespace (testkit/socks-echo-probe.ts).
   */
  echo(host: string, port: number, bytes: number, timeoutMs?: number): Promise<EchoResult>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 inside a namespace (asked of the kernel there). */
async function freePortIn(ns: Namespace): Promise<number> {
  const { stdout } = await ns.run(
    process.execPath,
    ["-e", 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'],
    { env: cleanEnv() },
  );
  return Number(stdout.trim());
}

/**
 * Starts tailscaled in `ns`, answering on its socket, not yet logged in. `trustFile` is the PEM
 * bundle for SSL_CERT_FILE (Pebble's root and the test CA).
 */
export async function startStockClient(ns: Namespace, hostname: string, trustFile: string): Promise<StockClient> {
  const socks5Port = await freePortIn(ns);
  const { bin, dir, socket, args } = await tailscaledIn("hr-sc-", socks5Port);
  const env = cleanEnv({ SSL_CERT_FILE: trustFile, TS_LOGS_DIR: join(dir, "logs") });
  const daemon: ResultPromise = ns.spawn(
    join(bin, "tailscaled"),
    args,
    // tailscaled logs to stderr.
    { env, reject: false, stdin: "ignore", stdout: "ignore", stderr: { file: join(dir, "tailscaled.log") } },
  );
  let exited = false;
  void daemon.then(() => (exited = true));

  const cli = async (args: string[], timeoutMs = 90_000) =>
    (await ns.run(join(bin, "tailscale"), [`--socket=${socket}`, ...args], { env, timeout: timeoutMs })).stdout;
  const status = async () => JSON.parse(await cli(["status", "--json"])) as ClientStatus;
  await waitUntil(
    () => {
      if (exited) throw new Error(`tailscaled ${hostname} exited; see ${dir}/tailscaled.log`);
      return status().then(
        () => true,
        () => false,
      );
    },
    { what: `tailscaled ${hostname} to answer on its socket`, timeoutMs: 30_000, intervalMs: 100 },
  );

  return {
    ns,
    hostname,
    socks5Port,
    dir,
    pid: daemon.pid!,
    cli,
    async up(loginServer, authKey) {
      const keyFile = join(dir, "authkey");
      await writeFile(keyFile, authKey, { mode: 0o600 });
      const began = performance.now();
      try {
        await cli([
          "up",
          `--login-server=${loginServer}`,
          `--auth-key=file:${keyFile}`,
          `--hostname=${hostname}`,
          "--timeout=90s",
        ]);
      } finally {
        await rm(keyFile, { force: true });
      }
      return performance.now() - began;
    },
    status,
    async peer(ip) {
      const peers = Object.values((await status()).Peer ?? {});
      return peers.find((p) => p.TailscaleIPs?.includes(ip));
    },
    async echo(host, port, bytes, timeoutMs = 300_000) {
      // Built with the rest (tsconfig.build.json), as the CLI the topology suites run is.
      const probe = join(projectRoot()!, "dist", "testkit", "socks-echo-probe.js");
      const { stdout } = await ns.run(process.execPath, [probe], {
        env: cleanEnv({ SOCKS_PORT: String(socks5Port), HOST: host, PORT: String(port), BYTES: String(bytes) }),
        timeout: timeoutMs,
      });
      return JSON.parse(stdout.trim().split("\n").pop()!) as EchoResult;
    },
    async stop() {
      if (!exited) {
        daemon.kill("SIGTERM");
        await daemon;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
