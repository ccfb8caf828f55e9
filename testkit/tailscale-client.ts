/**
 * A real Tailscale client for end-to-end tests: tailscaled in userspace-networking mode with
 * its own state and socket, joined with the CLI. The auth key goes through a 0600 file, never
 * argv. Only for use inside a network namespace that holds nothing but loopback.
 */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { freeTcpPort } from "../helper/os/ports.js";
import { tailscaledIn } from "./tailscaled.js";
import { waitUntil } from "./wait.js";

export interface TailscaleClient {
  hostname: string;
  /** The client's SOCKS5 proxy into the tailnet, when asked for. */
  socks5Port?: number;
  /** The daemon's pid (for CPU and memory readings). */
  pid: number;
  /** How long `tailscale up` took. */
  upMs: number;
  /** Runs the tailscale CLI against this client's daemon. */
  cli(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export interface ClientOptions {
  /** A SOCKS5 proxy into the tailnet, on a free loopback port. */
  socks5?: boolean;
  /** Subnets to offer (`--advertise-routes`); use documentation ranges and send nothing there. */
  advertiseRoutes?: string[];
  /** Offer to be an exit node (`--advertise-exit-node`). */
  exitNode?: boolean;
  /**
   * Another tailscaled build to run instead of .tools/bin's (the bridge bench compares builds);
   * the `tailscale` CLI still comes from .tools/bin, so keep to the same version.
   */
  daemonPath?: string;
}

/** tailscaled with its own state and socket, answering on it, not yet logged in. */
async function startDaemon(hostname: string, options: ClientOptions) {
  const socks5Port = options.socks5 ? await freeTcpPort() : undefined;
  const { bin, dir, socket, args } = await tailscaledIn("hr-ts-", socks5Port);
  const daemon: ResultPromise = execa(options.daemonPath ?? join(bin, "tailscaled"), args, {
    env: {
      // The embedded DERP server speaks plain HTTP on loopback.
      TS_DEBUG_USE_DERP_HTTP: "1",
      // With only loopback, tailscaled would think it is offline and pause its control client.
      TS_ASSUME_NETWORK_UP_FOR_TEST: "1",
      // Otherwise, as root, tailscaled keeps its log config in /var/lib/tailscale.
      TS_LOGS_DIR: join(dir, "logs"),
    },
    reject: false,
    stdio: ["ignore", "ignore", "ignore"],
  });
  const cli = async (args: string[]) =>
    (await execa(join(bin, "tailscale"), [`--socket=${socket}`, ...args], { timeout: 90_000 })).stdout;
  await waitUntil(
    () =>
      cli(["status", "--json"]).then(
        () => true,
        () => false,
      ),
    { what: `tailscaled ${hostname} to answer on its socket`, timeoutMs: 30_000, intervalMs: 100 },
  );
  const upArgs = (loginServer: string) => [
    "up",
    `--login-server=${loginServer}`,
    `--hostname=${hostname}`,
    ...(options.advertiseRoutes?.length ? [`--advertise-routes=${options.advertiseRoutes.join(",")}`] : []),
    ...(options.exitNode ? ["--advertise-exit-node"] : []),
    "--timeout=60s",
  ];
  const client = (upMs: number): TailscaleClient => ({
    hostname,
    upMs,
    socks5Port,
    pid: daemon.pid!,
    cli,
    async stop() {
      daemon.kill("SIGTERM");
      await daemon;
      await rm(dir, { recursive: true, force: true });
    },
  });
  return { dir, cli, upArgs, client };
}

export async function startTailscaleClient(
  hostname: string,
  loginServer: string,
  authKey: string,
  options: ClientOptions = {},
): Promise<TailscaleClient> {
  const { dir, cli, upArgs, client } = await startDaemon(hostname, options);
  const keyFile = join(dir, "authkey");
  await writeFile(keyFile, authKey, { mode: 0o600 });
  const upBegan = performance.now();
  await cli([...upArgs(loginServer), `--auth-key=file:${keyFile}`]);
  return client(performance.now() - upBegan);
}

/**
 * A client that ran `tailscale up` with no key, as a person would: it waits at `authUrl` until an
 * admin registers it. `joined` settles when its `up` returns.
 */
export async function startUnregisteredClient(
  hostname: string,
  loginServer: string,
  options: ClientOptions = {},
): Promise<{ client: TailscaleClient; authUrl: string; joined: Promise<void> }> {
  const { cli, upArgs, client } = await startDaemon(hostname, options);
  const joined = cli(upArgs(loginServer)).then(() => undefined);
  joined.catch(() => {}); // the caller awaits it, or stops the client first
  const authUrl = await waitUntil(
    async () => (JSON.parse(await cli(["status", "--json"])) as { AuthURL?: string }).AuthURL || undefined,
    { what: `${hostname} to be given a registration URL`, timeoutMs: 60_000, intervalMs: 100 },
  );
  return { client: client(0), authUrl, joined };
}

/** True when this process sees no network interface but loopback (an `unshare -n` namespace). */
export async function onlyLoopback(): Promise<boolean> {
  const { stdout } = await execa("ip", ["-o", "link", "show"]);
  const names = stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(":")[1]!.trim());
  return names.length === 1 && names[0] === "lo";
}
