/**
 * A small real network for tests, made of named network namespaces joined by veth pairs, so
 * Tailscale sees interfaces, addresses and default routes as on a real machine and needs no test
 * switch. Nothing is joined to the root namespace: no packet (no DNS query either) can leave the
 * machine. Needs root, `ip` (iproute2) and `iptables`.
 *
 *        LAN 10.77.0.2 ── 10.77.0.1  HOST  10.78.0.1 ── 10.78.0.2 FAR (UDP to 10/8 dropped)
 *
 * HOST runs the helper, Headscale and Pebble. LAN reaches it directly. FAR reaches HOST's
 * 10.77.0.1 through its default route (Linux answers for any local address, no forwarding), but
 * its UDP is dropped, so its tailnet traffic can only go through the DERP relay (TCP, TLS on 443).
 * HOST does not forward, so LAN and FAR cannot reach each other.
 *
 * Each namespace gets `/etc/netns/<name>/hosts` (the test names below → HOST) and a resolv.conf
 * pointing at 127.0.0.1 where nothing answers; `ip netns exec` mounts them over /etc.
 */
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { execa, type Options, type ResultPromise } from "execa";

export const HOST_LAN_IP = "10.77.0.1";
export const HOST_FAR_IP = "10.78.0.1";
export const LAN_IP = "10.77.0.2";
export const FAR_IP = "10.78.0.2";

/** The names every namespace resolves (through its hosts file) to HOST's LAN address. */
export const HEADSCALE_NAME = "hs.test.internal";
export const PEBBLE_NAME = "pebble.test.internal";

export type Role = "host" | "lan" | "far";

export interface Namespace {
  role: Role;
  /** The namespace's name, unique to this process: `hsr-<pid>-<n>-<role>`. */
  name: string;
  /** Its address on its link to HOST (HOST's LAN address for HOST itself). */
  ip: string;
  /** Runs a command to its end inside the namespace (execa's options; `env` is used as given). */
  run(file: string, args: string[], options?: Options): Promise<{ stdout: string; stderr: string; exitCode?: number }>;
  /** Starts a long-lived command inside the namespace; it is killed when the topology is destroyed. */
  spawn(file: string, args: string[], options?: Options): ResultPromise;
}

export interface Topology {
  host: Namespace;
  lan: Namespace;
  far: Namespace;
  /** Kills every process left in the namespaces, then removes them and their /etc/netns folders. */
  destroy(): Promise<void>;
}

const PREFIX = `hsr-${process.pid}-`;
let counter = 0;
const live = new Set<string>();

/**
 * The environment for a process inside the topology: this one's, without the test switches of the
 * loopback-only suites (TS_*), without stray HEADSCALE_* overrides or certificate settings, plus
 * `extra`. What runs in the topology must behave as on a real machine.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(TS_|HEADSCALE_)/.test(key) || key === "SSL_CERT_FILE" || key === "SSL_CERT_DIR")
      continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

function namespace(role: Role, name: string, ip: string): Namespace {
  const wrap = (options: Options = {}): Options => ({
    // Given env is the whole env: a process in the topology must not inherit a test switch.
    extendEnv: options.env === undefined,
    ...options,
  });
  return {
    role,
    name,
    ip,
    run: (file, args, options) =>
      execa("ip", ["netns", "exec", name, file, ...args], wrap(options)) as unknown as Promise<{
        stdout: string;
        stderr: string;
        exitCode?: number;
      }>,
    spawn: (file, args, options) => execa("ip", ["netns", "exec", name, file, ...args], wrap(options)),
  };
}

async function ip(...args: string[]): Promise<void> {
  await execa("ip", args);
}

/** Every process in a namespace (ours: nothing else runs there). */
function pidsIn(name: string): number[] {
  try {
    return execFileSync("ip", ["netns", "pids", name], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function killAll(names: string[]): void {
  for (const name of names)
    for (const pid of pidsIn(name)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone already
      }
    }
}

/** Removes a namespace's name and files; false while a process (one just killed, say) still holds it. */
function removeNames(names: string[]): boolean {
  let all = true;
  for (const name of names) {
    try {
      execFileSync("ip", ["netns", "del", name], { stdio: "ignore" });
    } catch {
      // Not there, or still in use: `ip netns list` says which.
    }
    if (listNamespaces().includes(name)) {
      all = false;
      continue;
    }
    try {
      execFileSync("rm", ["-rf", `/etc/netns/${name}`]);
    } catch {
      // not there
    }
    live.delete(name);
  }
  return all;
}

function listNamespaces(): string[] {
  try {
    return execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
      .split("\n")
      .map((line) => line.split(" ")[0]!)
      .filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Kills what runs in the namespaces and removes them. A killed `ip netns exec` child can hold its
 * namespace's mount for a moment after SIGKILL (then `ip netns del` fails with EBUSY): wait for the
 * processes to be gone and try again.
 */
async function remove(names: string[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    killAll(names);
    if (names.every((name) => pidsIn(name).length === 0) && removeNames(names)) return;
    if (Date.now() > deadline) throw new Error(`could not remove the test namespaces ${names.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The same, synchronously, for the process's exit: best effort, a few tries. */
function removeSync(names: string[]): void {
  for (let attempt = 0; attempt < 20; attempt++) {
    killAll(names);
    if (removeNames(names)) return;
    execFileSync("sleep", ["0.1"]);
  }
}

// A test process that dies with a topology up must not leave it behind.
process.once("exit", () => live.size && removeSync([...live]));

/**
 * Removes namespaces an earlier test process (now dead) left behind: `hsr-<pid>-…` whose pid no
 * longer runs.
 */
export function sweepStaleNamespaces(): void {
  const stale = listNamespaces().filter((name) => {
    const pid = /^hsr-(\d+)-\d+-(host|lan|far)$/.exec(name)?.[1];
    if (!pid || Number(pid) === process.pid) return false;
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch {
      return true;
    }
  });
  removeSync(stale);
}

/** Builds the three-namespace network described above. */
export async function createTopology(): Promise<Topology> {
  sweepStaleNamespaces();
  const base = `${PREFIX}${counter++}-`;
  const names = { host: `${base}host`, lan: `${base}lan`, far: `${base}far` };
  const destroy = () => remove(Object.values(names));
  try {
    const hosts = [
      "127.0.0.1 localhost",
      "::1 localhost ip6-localhost ip6-loopback",
      `${HOST_LAN_IP} ${HEADSCALE_NAME} ${PEBBLE_NAME}`,
      "",
    ].join("\n");
    for (const name of Object.values(names)) {
      live.add(name);
      await ip("netns", "add", name);
      await mkdir(`/etc/netns/${name}`, { recursive: true });
      await writeFile(`/etc/netns/${name}/hosts`, hosts);
      // Nothing answers there: a name missing from hosts fails at once, and no query leaves.
      await writeFile(`/etc/netns/${name}/resolv.conf`, "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
      await ip("-n", name, "link", "set", "lo", "up");
      // IPv4 links only (loopback keeps ::1): a link-local IPv6 path between FAR and HOST would
      // bypass FAR's UDP drop. Set before the veths exist, so they are born without IPv6.
      await execa("ip", ["netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"]);
    }
    // The veth pairs are made straight inside their namespaces: nothing appears in the root one.
    await ip("link", "add", "lan0", "netns", names.host, "type", "veth", "peer", "name", "eth0", "netns", names.lan);
    await ip("link", "add", "far0", "netns", names.host, "type", "veth", "peer", "name", "eth0", "netns", names.far);
    await ip("-n", names.host, "addr", "add", `${HOST_LAN_IP}/24`, "dev", "lan0");
    await ip("-n", names.host, "addr", "add", `${HOST_FAR_IP}/24`, "dev", "far0");
    await ip("-n", names.lan, "addr", "add", `${LAN_IP}/24`, "dev", "eth0");
    await ip("-n", names.far, "addr", "add", `${FAR_IP}/24`, "dev", "eth0");
    for (const [name, dev] of [
      [names.host, "lan0"],
      [names.host, "far0"],
      [names.lan, "eth0"],
      [names.far, "eth0"],
    ] as const)
      await ip("-n", name, "link", "set", dev, "up");
    // A default route everywhere: without one, Tailscale thinks it is offline.
    await ip("-n", names.host, "route", "add", "default", "via", LAN_IP);
    await ip("-n", names.lan, "route", "add", "default", "via", HOST_LAN_IP);
    await ip("-n", names.far, "route", "add", "default", "via", HOST_FAR_IP);
    const far = namespace("far", names.far, FAR_IP);
    await far.run("iptables", ["-A", "OUTPUT", "-p", "udp", "-d", "10.0.0.0/8", "-j", "DROP"]);
    return {
      host: namespace("host", names.host, HOST_LAN_IP),
      lan: namespace("lan", names.lan, LAN_IP),
      far,
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
