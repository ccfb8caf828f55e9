/**
 * `npm install -g headscale-remote` as a user without Go or a compiler gets it (issue 21, item 5):
 * scripts/pack-packages.mjs packs the main package and this platform's addon package; both
 * tarballs are installed into a fresh prefix with a PATH holding node, npm and sh but no Go, no C
 * compiler, no make, no Python; then, in a loopback-only network namespace of the test's own, the
 * installed `headscale-remote` starts Headscale, runs `bridge up`, and a real tailscaled joined
 * with a key from `keys mint` sends bytes through the bridge to an echo service and gets them back.
 * The helper must run from the prefix and map the addon of the installed platform package, not the
 * checkout's build. Root only (`ip netns`); npm's registry (or its cache) for the dependencies.
 * Run with `npm run test:install`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, type Options } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../helper/project.js";
import type { BridgeStatus, Status } from "../../helper/protocol/types.js";
import { startNamespaceEcho, type NamespaceEcho } from "../../testkit/namespace-echo.js";
import type { Namespace } from "../../testkit/netns.js";
import { startStockClient, type StockClient } from "../../testkit/stock-client.js";
import { waitUntil } from "../../testkit/wait.js";

const root = projectRoot()!;
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; version: string };
const platformPackage = `@headscale-remote/addon-${process.platform}-${process.arch}`;
const TOOLS = join(root, ".tools", "bin");
/** What the test's PATH holds: Node's own commands, the shell npm runs scripts with, and ps (the helper's process checks). */
const ALLOWED_TOOLS = ["node", "npm", "npx", "sh", "ps"];
/** None of these may be found on that PATH. */
const BUILD_TOOLS = ["go", "gofmt", "cc", "gcc", "g++", "c++", "clang", "make", "python3", "python", "node-gyp"];
const ECHO_TAILNET_PORT = 9096;
const ECHO_BYTES = 16 * 1024 * 1024;
const NS_PREFIX = "hsr-install-";
/** `ip` itself, found on this process's PATH: the user's PATH does not hold it. */
const IP = execFileSync("sh", ["-c", "command -v ip"], { encoding: "utf8" }).trim();
/** How this machine reaches npm's registry (a proxy, its CA): npm install needs them as a user's npm would. */
const NETWORK_VARIABLES = [
  "NODE_EXTRA_CA_CERTS",
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "NO_PROXY",
  "no_proxy",
];

let out: string;
let prefix: string;
let path: string;
let tarballs: { main: string; addon: string };
let installed: string;
let ns: Namespace | undefined;
let runEnv: Record<string, string>;
let home: string;
let echo: NamespaceEcho | undefined;
let laptop: StockClient | undefined;
let helperPid: number | undefined;

/** The environment of everything the test runs as the user: this PATH, and nothing of ours. */
function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: path, LANG: "C.UTF-8", TMPDIR: tmpdir(), ...extra };
}

function networkEnv(): Record<string, string> {
  return Object.fromEntries(
    NETWORK_VARIABLES.flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])),
  );
}

/**
 * A namespace holding only loopback, named for this process. Everything in it gets the switches of
 * the loopback suites (test:e2e): the embedded relay speaks plain HTTP there, and with no route
 * Tailscale would think it is offline.
 */
async function loopbackNamespace(name: string): Promise<Namespace> {
  await execa(IP, ["netns", "add", name]);
  await execa(IP, ["-n", name, "link", "set", "lo", "up"]);
  const switches = { TS_ASSUME_NETWORK_UP_FOR_TEST: "1", TS_DEBUG_USE_DERP_HTTP: "1" };
  const wrap = (options: Options = {}): Options => ({
    ...options,
    extendEnv: false,
    env: { ...(options.env ?? process.env), ...switches },
  });
  return {
    role: "host",
    name,
    ip: "127.0.0.1",
    run: (file, args, options) =>
      execa(IP, ["netns", "exec", name, file, ...args], wrap(options)) as unknown as ReturnType<Namespace["run"]>,
    spawn: (file, args, options) => execa(IP, ["netns", "exec", name, file, ...args], wrap(options)),
  };
}

function pidsIn(name: string): number[] {
  try {
    return execFileSync(IP, ["netns", "pids", name], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Kills what is left in a namespace of ours and removes it. */
async function removeNamespace(name: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    for (const pid of pidsIn(name)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone already
      }
    }
    if (pidsIn(name).length === 0) {
      try {
        execFileSync(IP, ["netns", "del", name], { stdio: "ignore" });
        return;
      } catch {
        // still held for a moment after SIGKILL: try again
      }
    }
    if (Date.now() > deadline) throw new Error(`could not remove the namespace ${name}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Namespaces an earlier run of this test (a process now gone) left behind. */
async function sweepStale(): Promise<void> {
  const names = execFileSync(IP, ["netns", "list"], { encoding: "utf8" })
    .split("\n")
    .map((line) => line.split(" ")[0]!)
    .filter((name) => name.startsWith(NS_PREFIX));
  for (const name of names) {
    const pid = Number(name.slice(NS_PREFIX.length));
    try {
      process.kill(pid, 0);
    } catch {
      await removeNamespace(name);
    }
  }
}

/** The installed `headscale-remote` (found on the user's PATH) inside the namespace. */
async function cli(args: string[], timeoutMs = 180_000) {
  const result = await ns!.run("headscale-remote", ["--home", home, ...args], {
    env: runEnv,
    reject: false,
    timeout: timeoutMs,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

async function cliJson<T>(args: string[], timeoutMs?: number): Promise<T> {
  const result = await cli(["--json", ...args], timeoutMs);
  if (result.exitCode !== 0) {
    throw new Error(`headscale-remote ${args.join(" ")} exited ${result.exitCode}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as T;
}

const inside = (dir: string, file: string) => realpathSync(file).startsWith(realpathSync(dir) + "/");

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error("the install test needs root (ip netns)");
  for (const tool of ["headscale", "tailscaled", "tailscale"]) {
    if (!existsSync(join(TOOLS, tool))) throw new Error(`${join(TOOLS, tool)} is missing: run npm run build:go`);
  }
  await sweepStale();
  out = await mkdtemp(join(tmpdir(), "hr-install-"));
  prefix = join(out, "prefix");
  home = join(out, "home");
  // The packing needs what the build machine has (Go for the licences, strip): the checkout's PATH.
  const packed = await execa(
    process.execPath,
    [join(root, "scripts", "pack-packages.mjs"), "--out", join(out, "pack")],
    {
      cwd: root,
    },
  );
  tarballs = JSON.parse(packed.stdout.trim().split("\n").pop()!) as { main: string; addon: string };

  // The user's PATH: a folder of links to Node's own commands, then the prefix's bin.
  const bin = join(out, "bin");
  await mkdir(bin);
  for (const tool of ALLOWED_TOOLS) {
    const found = execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
    await symlink(found, join(bin, tool));
  }
  path = [bin, join(prefix, "bin")].join(":");
  const userHome = join(out, "user");
  await mkdir(userHome);
  runEnv = userEnv({ HOME: userHome });
});

afterAll(async () => {
  if (ns && helperPid !== undefined) await cli(["shutdown"], 60_000).catch(() => undefined);
  await laptop?.stop().catch(() => undefined);
  await echo?.stop().catch(() => undefined);
  if (ns) await removeNamespace(ns.name);
  if (out) await rm(out, { recursive: true, force: true });
});

/** `npm install -g` of `packed` into `prefix`, as a user would run it: never throws, output in `all`. */
function npmInstallGlobal(prefix: string, packed: string[]) {
  return execa("npm", ["install", "-g", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", ...packed], {
    // The real HOME (npm's cache and settings) and the way to the registry; nothing else of ours.
    env: userEnv({ HOME: process.env.HOME ?? "/root", ...networkEnv() }),
    extendEnv: false,
    all: true,
    reject: false,
    timeout: 600_000,
  });
}

describe("npm install -g from the packed tarballs, with no Go and no compiler", () => {
  it("packs the addon package with only the addon, its manifest, README and LICENSE", async () => {
    const list = async (tarball: string) => (await execa("tar", ["tzf", tarball])).stdout.split("\n").sort();
    expect(await list(tarballs.addon)).toEqual([
      "package/LICENSE",
      "package/README.md",
      "package/hsr_tailnet.node",
      "package/package.json",
    ]);
    const addonManifest = JSON.parse((await execa("tar", ["xzfO", tarballs.addon, "package/package.json"])).stdout);
    expect(addonManifest).toMatchObject({
      name: platformPackage,
      version: manifest.version,
      os: [process.platform],
      cpu: [process.arch],
    });
    const license = (await execa("tar", ["xzfO", tarballs.addon, "package/LICENSE"])).stdout;
    expect(license).toMatch(/^MIT License/);
    for (const part of [
      "tailscale.com@",
      "The Go runtime and standard library",
      "gvisor.dev/gvisor@",
      "node-addon-api@",
    ])
      expect(license).toContain(part);

    const mainFiles = await list(tarballs.main);
    expect(mainFiles).toContain("package/dist/helper/cli/main.js");
    expect(mainFiles).toContain("package/assets/helper.mjs");
    expect(mainFiles.filter((file) => /^package\/(native|test|testkit|src|\.tools|node_modules)\//.test(file))).toEqual(
      [],
    );
    const mainManifest = JSON.parse((await execa("tar", ["xzfO", tarballs.main, "package/package.json"])).stdout);
    expect(mainManifest.optionalDependencies).toMatchObject({
      "@headscale-remote/addon-darwin-arm64": manifest.version,
      "@headscale-remote/addon-darwin-x64": manifest.version,
      "@headscale-remote/addon-linux-x64": manifest.version,
    });
  });

  it("installs both into a fresh prefix with a PATH holding no Go, compiler, make or Python", async () => {
    const found = await execa("sh", ["-c", `for t in ${BUILD_TOOLS.join(" ")}; do command -v "$t"; done; true`], {
      env: userEnv(),
      extendEnv: false,
    });
    expect(found.stdout.trim(), "build tools on the user's PATH").toBe("");
    const npm = await npmInstallGlobal(prefix, [tarballs.main, tarballs.addon]);
    expect(npm.exitCode, npm.all).toBe(0);
    expect(npm.all).not.toMatch(/node-gyp|gyp info|go: /);

    installed = join(prefix, "lib", "node_modules", manifest.name);
    expect(existsSync(join(installed, "dist", "helper", "cli", "main.js"))).toBe(true);
    expect(existsSync(join(installed, "native")), "the installed package has no native/ of its own").toBe(false);
    const addon = createRequire(join(installed, "package.json")).resolve(`${platformPackage}/hsr_tailnet.node`);
    expect(inside(prefix, addon)).toBe(true);
    const which = await execa("sh", ["-c", "command -v headscale-remote"], { env: userEnv(), extendEnv: false });
    expect(which.stdout).toBe(join(prefix, "bin", "headscale-remote"));
  });

  it("runs the installed helper from the prefix, and it starts Headscale", async () => {
    ns = await loopbackNamespace(`${NS_PREFIX}${process.pid}`);
    const links = (await ns.run(IP, ["-o", "link", "show"], { env: runEnv })).stdout.split("\n").filter(Boolean);
    expect(links.map((line) => line.split(":")[1]!.trim())).toEqual(["lo"]);

    // The Headscale download is another test's; this one uses the project's build of the same 0.29.
    const set = await cli(["config", "set", `headscalePath=${join(TOOLS, "headscale")}`]);
    expect(set.exitCode, set.stderr).toBe(0);
    const started = await cliJson<Status>(["start"]);
    expect(started.headscale.state).toBe("running");

    const status = await cliJson<Status>(["status"]);
    helperPid = status.helper.pid;
    expect(status.helper.version).toBe(manifest.version);
    expect(status.headscale.state).toBe("running");
    // The helper the installed CLI started runs the installed package's entry, with nothing of ours around.
    const argv = (await readFile(`/proc/${helperPid}/cmdline`, "utf8")).split("\0").filter(Boolean);
    const entry = argv.find((arg) => /helper\.mjs$|daemon\/main\.js$/.test(arg))!;
    expect(entry, argv.join(" ")).toBeDefined();
    expect(inside(installed, entry), `${entry} is in ${installed}`).toBe(true);
    const environ = (await readFile(`/proc/${helperPid}/environ`, "utf8")).split("\0");
    expect(environ.filter((line) => line.startsWith("HEADSCALE_REMOTE_TAILNET_ADDON="))).toEqual([]);
  });

  it("bridges a tailnet port with the addon of the installed platform package", async () => {
    echo = await startNamespaceEcho(ns!);
    await cliJson<BridgeStatus>([
      "bridge",
      "up",
      "--local-port",
      String(echo.port),
      "--tailnet-port",
      String(ECHO_TAILNET_PORT),
      "--hostname",
      "install-host",
    ]);
    let last: BridgeStatus | undefined;
    const bridge = await waitUntil(
      async () => {
        last = await cliJson<BridgeStatus>(["bridge", "status"]);
        return last.state === "Running" && last.ipv4 !== null && last;
      },
      { what: () => `the bridge's node to run; still ${JSON.stringify(last)}`, timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(bridge.mappings).toMatchObject([{ tailnetPort: ECHO_TAILNET_PORT, localPort: echo.port }]);
    // The addon the helper mapped is the platform package's, inside the prefix.
    const maps = await readFile(`/proc/${helperPid}/maps`, "utf8");
    const mapped = [
      ...new Set(
        maps
          .split("\n")
          .map((line) => line.slice(line.indexOf("/")))
          .filter((file) => file.endsWith("hsr_tailnet.node")),
      ),
    ];
    expect(mapped).toHaveLength(1);
    expect(mapped[0]).toContain(`/node_modules/${platformPackage}/hsr_tailnet.node`);
    expect(inside(prefix, mapped[0]!), `${mapped[0]} is in ${prefix}`).toBe(true);
    expect(existsSync(join(installed, "native", "build")), "no build of the addon in the installed package").toBe(
      false,
    );
  });

  it("carries a real client's echo through the bridge intact", async () => {
    const bridge = await cliJson<BridgeStatus>(["bridge", "status"]);
    const nodeIp = bridge.ipv4!;
    const minted = await cliJson<{ preAuthKey: string; coordinationUrl: string }>([
      "keys",
      "mint",
      "--device-id",
      "laptop",
    ]);
    const trust = join(out, "no-extra-ca.pem");
    await writeFile(trust, "");
    laptop = await startStockClient(ns!, "laptop", trust);
    await laptop.up(minted.coordinationUrl, minted.preAuthKey);
    await waitUntil(
      () =>
        laptop!.cli(["ping", "--c=1", "--timeout=5s", nodeIp]).then(
          () => true,
          () => false,
        ),
      { what: "the laptop to reach the bridge's node", timeoutMs: 90_000, intervalMs: 250 },
    );
    const before = (await cliJson<BridgeStatus>(["bridge", "status"])).mappings[0]!;
    const result = await laptop.echo(nodeIp, ECHO_TAILNET_PORT, ECHO_BYTES);
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true, bytes: ECHO_BYTES });
    expect(result.received).toBe(result.sent);
    const after = (await cliJson<BridgeStatus>(["bridge", "status"])).mappings[0]!;
    expect(after.bytesIn - before.bytesIn).toBeGreaterThanOrEqual(ECHO_BYTES);
    expect(after.bytesOut - before.bytesOut).toBeGreaterThanOrEqual(ECHO_BYTES);
    expect(after.lastClient).toMatch(/^100\.64\./);
    expect(echo!.connections()).toBeGreaterThanOrEqual(1);
    // Nothing of the installed package was built on this machine: no build folders appeared in it.
    const entries = await readdir(installed);
    expect(entries.filter((name) => ["build", "native", ".tools"].includes(name))).toEqual([]);
  });

  it("without the platform package, bridge up says so and names the npm command that brings it", async () => {
    // npm skips an optional dependency it cannot get: as for a user who ran --omit=optional, say.
    const bare = join(out, "bare");
    const npm = await npmInstallGlobal(bare, [tarballs.main]);
    expect(npm.exitCode, npm.all).toBe(0);
    expect(existsSync(join(bare, "lib", "node_modules", "@headscale-remote"))).toBe(false);
    const env = { ...runEnv, PATH: [join(out, "bin"), join(bare, "bin")].join(":") };
    const bareCli = (args: string[]) =>
      ns!.run("headscale-remote", ["--home", join(out, "bare-home"), ...args], {
        env,
        reject: false,
        timeout: 120_000,
      });
    try {
      const up = await bareCli(["bridge", "up", "--local-port", "9"]);
      expect(up.exitCode).not.toBe(0);
      expect(String(up.stderr)).toMatch(
        new RegExp(
          `needs the native addon.*and the package ${platformPackage}\\); install it with \`npm install -g headscale-remote\``,
        ),
      );
      expect(String(up.stderr).trim().split("\n")).toHaveLength(1);
    } finally {
      await bareCli(["shutdown"]);
    }
  });
});
