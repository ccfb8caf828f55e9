/** The CLI's user-facing contract: command names, --json shapes, one-line errors, auto-started helper. */
import { dirname, join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { homePaths } from "../../helper/home/paths.js";
import { HelperClient } from "../../helper/client/helper-client.js";
import { helperSocketPath } from "../../helper/client/launch.js";
import { isAlive } from "../../helper/os/process-info.js";
import { HELPER_ENV, HELPER_NODE_FLAGS, helperEntry } from "../../helper/project.js";
import { cliPath, createFakeNodes, removeHome, runCli, shutDownHelper, tempHome } from "../support/fixtures.js";
import { waitUntil } from "../../testkit/wait.js";

let home: string;
beforeAll(async () => {
  home = await tempHome();
});
/**
 * Asks the detached helper the CLI started for a home to go, waits until it and its Headscale
 * are gone (nothing writes into the home any more), then removes the home.
 */
async function shutDownAndRemove(home: string): Promise<void> {
  await shutDownHelper(home);
  await removeHome(home);
}

afterAll(async () => {
  await runCli(home, ["stop"]);
  await shutDownAndRemove(home);
});

/** The helper processes started for a home (Linux: they carry it in their environment). */
async function helperProcesses(home: string): Promise<number[]> {
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name));
  const found: number[] = [];
  for (const pid of pids) {
    const environ = await readFile(`/proc/${pid}/environ`, "utf8").catch(() => "");
    const argv = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (environ.split("\0").includes(`HEADSCALE_REMOTE_HOME=${home}`) && argv.split("\0").includes(helperEntry())) {
      found.push(Number(pid));
    }
  }
  return found;
}

/** `stop --json` as answered before any helper ran. */
let noHelperStop: Record<string, unknown>;

const json = async (args: string[]) => {
  const result = await runCli(home, ["--json", ...args]);
  if (result.exitCode !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
};

describe("headscale-remote CLI", () => {
  it("stop without a helper says so and starts nothing", async () => {
    const result = await runCli(home, ["stop"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/no helper is running/);
    noHelperStop = await json(["stop"]);
    expect(noHelperStop).toMatchObject({ helper: null, headscale: { state: "stopped", pid: null } });
  });

  it("start launches a detached helper, then Headscale", async () => {
    const status = await json(["start"]);
    expect(status.headscale.state).toBe("running");
    expect(status.headscale.serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(status.helper.pid).not.toBe(process.pid);
    const again = await json(["status"]);
    expect(again.helper.pid).toBe(status.helper.pid);
    // It runs the one-file bundle, with the helper's Node flags and environment.
    const argv = (await readFile(`/proc/${status.helper.pid}/cmdline`, "utf8")).split("\0");
    expect(argv.slice(1, -1)).toEqual([...HELPER_NODE_FLAGS, helperEntry()]);
    expect(helperEntry()).toMatch(/assets\/helper\.mjs$/);
    const environ = (await readFile(`/proc/${status.helper.pid}/environ`, "utf8")).split("\0");
    for (const [name, value] of Object.entries(HELPER_ENV)) expect(environ).toContain(`${name}=${value}`);
  });

  it("the helper's own entry refuses arguments it does not take, in one line, with the usage exit code", async () => {
    for (const args of [["helper"], ["--home", ""], ["--bogus"], ["--home"]]) {
      const result = await execa(process.execPath, [helperEntry(), ...args], { reject: false });
      expect(result.exitCode, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toMatch(/^headscale-remote helper: [^\n]+$/);
    }
  });

  it("lists nodes with the documented fields", async () => {
    await json(["users", "create", "carol"]);
    await createFakeNodes(homePaths(home, tmpdir()).headscaleSocket, "carol", 2);
    const nodes = await json(["nodes"]);
    expect(nodes).toHaveLength(2);
    for (const node of nodes) {
      expect(Object.keys(node)).toEqual(
        expect.arrayContaining(["id", "name", "user", "ipAddresses", "online", "lastSeen"]),
      );
      expect(node.user).toBe("carol");
    }
    const renamed = await json(["nodes", "rename", nodes[0].id, "kitchen"]);
    expect(renamed.givenName).toBe("kitchen");
    const human = await runCli(home, ["nodes"]);
    expect(human.stdout).toMatch(/kitchen\s+carol\s+100\.64\./);
  });

  it("mints client keys with the documented fields", async () => {
    const minted = await json([
      "keys",
      "mint",
      "--device-id",
      "tv",
      "--device-name",
      "Living room TV",
      "--account",
      "family",
    ]);
    expect(minted.preAuthKey).toMatch(/^hskey-auth-/);
    expect(minted.coordinationUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Date.parse(minted.expiresAt)).toBeGreaterThan(Date.now());
    const again = await json(["keys", "mint", "--device-id", "tv", "--account", "family"]);
    expect(again.preAuthKey).toBe(minted.preAuthKey);
    const human = await runCli(home, ["keys", "mint", "--device-id", "tv", "--account", "family"]);
    expect(human.stdout).toContain(
      `tailscale up --login-server=${minted.coordinationUrl} --auth-key=${minted.preAuthKey}`,
    );
  });

  it("creates API keys and tails logs", async () => {
    const key = await json(["keys", "api", "--expiration", "7d"]);
    expect(key.apiKey).toMatch(/^hskey-api-/);
    const logs = await json(["logs", "-n", "5"]);
    expect(logs).toHaveLength(5);
    expect(JSON.stringify(logs)).not.toContain(key.apiKey);
  });

  it("fails with one clear line on stderr and a non-zero exit", async () => {
    const bad = await runCli(home, ["nodes", "rename", "not-a-number", "x"]);
    expect(bad.exitCode).toBe(2); // bad input
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/^headscale-remote: id: .*numeric node ID/);
    const missing = await runCli(home, ["nodes", "delete", "424242", "--yes"]);
    expect(missing.exitCode).toBe(3); // not found
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a first command that launches the helper waits for Headscale instead of failing", async () => {
    const fresh = await tempHome();
    try {
      // Several at once, as when Raycast's menu bar and a command start together: one helper
      // wins the home's lock, and the launches whose helper lost must wait for the winner.
      const commands = [["nodes"], ["users"], ["status"], ["nodes"], ["users"], ["status"]];
      const results = await Promise.all(commands.map((args) => runCli(fresh, ["--json", ...args])));
      expect(results.map((result) => [result.exitCode, result.stderr])).toEqual(commands.map(() => [0, ""]));
      expect(JSON.parse(results[0]!.stdout)).toEqual([]);
    } finally {
      await shutDownAndRemove(fresh);
    }
  });

  it("leaves no helper behind after shutdown when several launches raced and the losers start slowly", async () => {
    const fresh = await tempHome();
    // The first helper starts at once; the others take 8 s, so they are still starting when the
    // winner answers their launchers and when shutdown comes.
    const slow = join(fresh, "..", `hr-slow-${process.pid}.cjs`);
    await writeFile(
      slow,
      `if (process.argv[1] === ${JSON.stringify(helperEntry())}) {
  try { require("node:fs").writeFileSync(${JSON.stringify(`${slow}.first`)}, "", { flag: "wx" }); }
  catch { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 8000); }
}
`,
    );
    const env = { NODE_OPTIONS: `--require ${slow}` };
    try {
      const commands = [["nodes"], ["users"], ["status"], ["nodes"], ["users"], ["status"]];
      const results = await Promise.all(commands.map((args) => runCli(fresh, ["--json", ...args], env)));
      expect(results.map((result) => result.exitCode)).toEqual(commands.map(() => 0));
      expect((await runCli(fresh, ["shutdown"])).exitCode).toBe(0);
      await waitUntil(async () => (await helperProcesses(fresh)).length === 0, {
        what: () => `no helper of ${fresh} left running`,
        timeoutMs: 30_000,
      });
      expect(
        await HelperClient.connect(helperSocketPath(fresh)).then(
          () => true,
          () => false,
        ),
      ).toBe(false);
    } finally {
      await rm(slow, { force: true });
      await rm(`${slow}.first`, { force: true });
      await shutDownAndRemove(fresh);
    }
  });

  it("refuses bridge ports that are not whole numbers from 1 to 65535, before asking the helper", async () => {
    for (const args of [
      ["--local-port", "80x"],
      ["--local-port", "0"],
      ["--local-port", "8080", "--tailnet-port", "70000"],
      ["--local-port", "1e3"],
      ["--local-port", ""],
    ]) {
      const result = await runCli(home, ["bridge", "up", ...args]);
      expect(result.exitCode, args.join(" ")).not.toBe(0);
      expect(result.stderr).toMatch(/a port is a whole number from 1 to 65535/);
    }
  });

  it("refuses bridge in config set as it refuses any key that is no setting: the mappings are bridge.json's", async () => {
    const bridge = await runCli(home, ["config", "set", 'bridge={"mappings":[{"tailnetPort":1,"localPort":2}]}']);
    const other = await runCli(home, ["config", "set", 'nope={"mappings":[{"tailnetPort":1,"localPort":2}]}']);
    expect(bridge.exitCode).toBe(2);
    // In the words of what was typed: no "patch", the RPC parameter that carries it.
    expect(bridge.stderr).toBe('headscale-remote: Unrecognized key: "bridge"');
    expect({ exitCode: bridge.exitCode, stderr: bridge.stderr.replace("bridge", "KEY") }).toEqual({
      exitCode: other.exitCode,
      stderr: other.stderr.replace("nope", "KEY"),
    });
    expect((await json(["config", "get"])).settings).not.toHaveProperty("bridge");
    expect((await runCli(home, ["config", "set", "--help"])).stdout).not.toMatch(/bridge/);
  });

  it("without the native addon, bridge commands say why in one line and the rest works", async () => {
    const fresh = await tempHome();
    const env = { HEADSCALE_REMOTE_TAILNET_ADDON: join(fresh, "missing.node") };
    try {
      for (const args of [
        ["bridge", "status"],
        ["bridge", "up", "--local-port", "8096"],
        ["bridge", "identity", "--hostname", "media"],
      ]) {
        const result = await runCli(fresh, args, env);
        expect(result.exitCode, args.join(" ")).toBe(1);
        expect(result.stderr.trim().split("\n")).toHaveLength(1);
        expect(result.stderr).toMatch(/the tailnet bridge needs the native addon.*missing\.node is missing.*npm ci/);
      }
      const status = await runCli(fresh, ["--json", "status"], env);
      expect(status.exitCode).toBe(0);
      expect(JSON.parse(status.stdout).tailnet.state).toBe("off");
      expect((await runCli(fresh, ["--json", "config", "get"], env)).exitCode).toBe(0);
    } finally {
      await shutDownAndRemove(fresh);
    }
  });

  it("says what is missing or wrong in one plain line, with an exit code per kind", async () => {
    const cases: [string[], number, RegExp][] = [
      [["nodes", "rename", "999", "x"], 3, /^headscale-remote: no node with id 999$/],
      [["nodes", "expire", "999", "--yes"], 3, /^headscale-remote: no node with id 999$/],
      [["nodes", "delete", "999", "--yes"], 3, /^headscale-remote: no node with id 999$/],
      [["nodes", "--user", "nobody"], 3, /^headscale-remote: no user named nobody$/],
      [["keys", "expire", "12345", "--yes"], 3, /^headscale-remote: no pre-auth key with id 12345$/],
      [["keys", "expire", "abc", "--yes"], 2, /a numeric pre-auth key ID/],
      [
        ["keys", "mint"],
        2,
        /^error: required option '--device-id <id>' not specified\n\(see headscale-remote keys mint --help\)$/,
      ],
      [["no-such-command"], 2, /unknown command/],
      [
        ["nodes", "--no-such-option"],
        2,
        /^error: unknown option '--no-such-option'\n\(see headscale-remote nodes list --help\)$/,
      ],
    ];
    await runCli(home, ["users", "create", "twice"]);
    cases.push([["users", "create", "twice"], 2, /^headscale-remote: a user named twice already exists$/]);
    for (const [args, code, stderr] of cases) {
      const result = await runCli(home, args);
      expect(result.exitCode, args.join(" ")).toBe(code);
      expect(result.stderr.trim(), args.join(" ")).toMatch(stderr);
    }
  });

  it("never changes a file it does not own, and checks that headscalePath is Headscale", async () => {
    const notExecutable = join(home, "..", `hr-copy-${process.pid}`);
    await writeFile(notExecutable, "#!/bin/sh\necho hi\n", { mode: 0o644 });
    try {
      for (const path of ["/bin/true", notExecutable]) {
        const result = await runCli(home, ["config", "set", `headscalePath=${path}`]);
        expect(result.exitCode, path).toBe(2);
        expect(result.stderr).toMatch(/headscalePath: .* is not a Headscale executable/);
      }
      expect((await stat(notExecutable)).mode & 0o777).toBe(0o644);
      expect((await json(["config", "get"])).settings.headscalePath).toBeUndefined();
    } finally {
      await rm(notExecutable, { force: true });
    }
  });

  it("uses an existing home as it is, refuses a folder that is not one, and an empty --home", async () => {
    const shared = await mkdtemp(join(tmpdir(), "hr-shared-"));
    const foreign = await mkdtemp(join(tmpdir(), "hr-foreign-"));
    try {
      await chmod(shared, 0o1777); // like /tmp: sticky, everyone's
      await writeFile(join(foreign, "someone-elses.txt"), "keep me");
      const ok = await runCli(shared, ["--json", "status"]);
      expect(ok.exitCode).toBe(0);
      expect((await stat(shared)).mode & 0o7777).toBe(0o1777);
      // `status` answers while Headscale may still be starting: wait for its database to exist.
      const db = await waitUntil(() => stat(join(shared, "headscale.db")).catch(() => undefined), {
        what: "Headscale's database in the shared home",
        timeoutMs: 60_000,
      });
      expect(db.mode & 0o077).toBe(0); // the database is private
      const refused = await runCli(foreign, ["status"]);
      expect(refused.exitCode).not.toBe(0);
      expect(refused.stderr).toMatch(/is not empty and holds no settings\.json/);
      expect(await readdir(foreign)).toEqual(["someone-elses.txt"]);
      const empty = await runCli("", ["status"]);
      expect(empty.exitCode).not.toBe(0);
      expect(empty.stderr).toMatch(/--home is empty/);
    } finally {
      await shutDownAndRemove(shared);
      await shutDownAndRemove(foreign); // had a helper started there by mistake, it is stopped too
    }
  });

  it("accepts plain whole numbers and sane durations only, naming the flag or setting", async () => {
    const cases: [string[], RegExp][] = [
      [["logs", "-n", "1e3"], /lines.*a whole number from 0 to 100000/],
      [["logs", "-n", "0x10"], /a whole number/],
      [["logs", "-n", "1.5"], /a whole number/],
      [["logs", "-n", "abc"], /a whole number/],
      [["keys", "api", "--expiration", "0d"], /expiration: a duration longer than zero/],
      [["keys", "api", "--expiration", "9999999999999999d"], /expiration: a duration such as/],
      [["keys", "api", "--expiration", "99999d"], /at most ten years/],
      [["config", "set", "listenAddr=127.0.0.1:99999"], /listenAddr: the port must be from 1 to 65535/],
      [["config", "set", "listenAddr=127.0.0.1:0"], /listenAddr: the port must be from 1 to 65535/],
      // One reason, the right one: "nonsense" has no port to be out of range.
      [["config", "set", "listenAddr=nonsense"], /listenAddr: host:port, e.g. 127.0.0.1:8080$/],
      [["config", "set", "clientKeyExpiration=0s"], /clientKeyExpiration: a duration longer than zero/],
      [["users", "create", "x".repeat(300)], /name: .*(256|at least 2)/],
      [["users", "create", "9lives"], /a letter first/],
      [["users", "create", "a@b@c"], /at most one '@'/],
      [["nodes", "rename", "1", "Bad Name"], /name: a DNS label/],
      // Usage mistakes and a path that is not there are bad input too, with where to look (#25).
      [["config", "set", "logLevel"], /expected key=value, got "logLevel" \(see headscale-remote config set --help\)$/],
      [["config", "set", "=x"], /expected key=value, got "=x" \(see headscale-remote config set --help\)$/],
      [
        ["config", "set", "headscalePath=/nonexistent/headscale"],
        /headscalePath: Headscale was not found \(tried \/nonexistent\/headscale\)/,
      ],
    ];
    for (const [args, stderr] of cases) {
      const result = await runCli(home, args);
      expect(result.exitCode, args.join(" ")).toBe(2);
      expect(result.stderr.split("\n")[0], args.join(" ")).toMatch(stderr);
    }
    expect((await runCli(home, ["logs", "-n", "3"])).stdout.split("\n")).toHaveLength(3);
  });

  it("clears serverUrl with `serverUrl=`, reads one setting with config get KEY, and names the device of a key", async () => {
    await runCli(home, ["config", "set", "serverUrl=https://hs.example.test"]);
    expect((await runCli(home, ["config", "get", "serverUrl"])).stdout.trim()).toBe("https://hs.example.test");
    const cleared = await runCli(home, ["config", "set", "serverUrl="]);
    expect(cleared.exitCode).toBe(0);
    const settings = (await json(["config", "get"])).settings;
    expect(settings.serverUrl).toBeUndefined();
    expect((await json(["status"])).headscale.serverUrl).toBe(`http://${settings.listenAddr}`);
    const unknown = await runCli(home, ["config", "get", "nope"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/no setting named nope; settings: reach, listenAddr, serverUrl/);
    // What the settings amount to, read like a setting.
    expect((await runCli(home, ["config", "get", "reach"])).stdout.trim()).toBe("computer");
    const minted = await json(["keys", "mint", "--device-id", "tablet-7", "--device-name", "Tablet"]);
    const keys = await runCli(home, ["keys", "list"]);
    expect(keys.stdout).toMatch(/DEVICE/);
    expect(keys.stdout).toContain(`Tablet (${minted.account})`);
  });

  it("small things a new user hit (#25): --json failures, two dns= partials, a password key, a user with no nodes", async () => {
    const failed = await runCli(home, ["--json", "nodes", "rename", "1", "Bad Name"]);
    expect(failed.exitCode).toBe(2);
    expect(JSON.parse(failed.stdout)).toMatchObject({
      error: { exitCode: 2, message: expect.stringMatching(/DNS label/) },
    });
    // A usage mistake caught before any helper is asked, too: one document, whatever the flag's place.
    for (const args of [
      ["--json", "bridge", "up", "--local-port", "0"],
      ["bridge", "up", "--json", "--local-port", "70000"],
    ]) {
      const usage = await runCli(home, args);
      expect({ exitCode: usage.exitCode, answer: JSON.parse(usage.stdout) }).toEqual({
        exitCode: 2,
        answer: { error: { exitCode: 2, message: expect.stringMatching(/^option '--local-port <port>' argument/) } },
      });
    }
    // A suggestion commander gives on a line of its own joins the one line.
    const typo = await runCli(home, ["--json", "lgs"]);
    expect(JSON.parse(typo.stdout).error.message).toBe("unknown command 'lgs' (Did you mean logs?)");

    const both = await runCli(home, [
      "config",
      "set",
      'dns={"searchDomains":["a.example"]}',
      'dns={"splitDns":{"corp.example":["192.0.2.54"]}}',
    ]);
    expect(both.exitCode, both.stderr).toBe(0);
    expect((await json(["config", "get"])).settings.dns).toMatchObject({
      searchDomains: ["a.example"],
      splitDns: { "corp.example": ["192.0.2.54"] },
    });

    const password = await runCli(home, [
      "config",
      "set",
      'database={"type":"postgres","host":"db.invalid","name":"hs","user":"hs","password":"not-a-secret"}',
    ]);
    expect(password.exitCode).toBe(2);
    expect(password.stderr).toMatch(/database: Unrecognized key: "password"/);

    await runCli(home, ["users", "create", "alice"]);
    expect((await runCli(home, ["nodes", "--user", "alice"])).stdout.trim()).toBe("alice has no nodes.");
  });

  it("logs -f says so and fails when the helper goes away", async () => {
    const fresh = await tempHome();
    try {
      await runCli(fresh, ["status"]);

      const follow = execa(process.execPath, [await cliPath(), "--home", fresh, "logs", "-f", "-n", "1"], {
        reject: false,
      });
      let followed = "";
      follow.stdout.on("data", (chunk) => (followed += chunk));
      // It follows once a line logged after it started shows up: each mint logs one naming its device.
      const client = await HelperClient.connect(helperSocketPath(fresh));
      let probe = 0;
      await waitUntil(
        async () => {
          const deviceId = `probe-${++probe}`;
          await client.call("preAuthKeys.mint", { deviceId });
          return followed.includes(`"${deviceId}"`);
        },
        { what: "logs -f to print a line logged after it started", timeoutMs: 60_000, intervalMs: 200 },
      );
      client.close();
      await runCli(fresh, ["shutdown"]);
      const result = await follow;
      expect(result.exitCode).toBe(4);
      expect(result.stderr).toMatch(/it stopped while following/);
    } finally {
      await shutDownAndRemove(fresh);
    }
  });

  it("leaves no socket folder behind in the temp dir for a long home path", async () => {
    const long = join(await tempHome(), "a-rather-long-folder-name-".repeat(4));
    const socketDir = dirname(helperSocketPath(long));
    expect(socketDir).not.toBe(long);
    try {
      expect((await runCli(long, ["status"])).exitCode).toBe(0);
      expect(await readdir(socketDir)).toContain("helper.sock");
      expect((await runCli(long, ["shutdown"])).exitCode).toBe(0);
      await expect(stat(socketDir)).rejects.toThrow(/ENOENT/);
    } finally {
      await shutDownAndRemove(long);
      await rm(dirname(long), { recursive: true, force: true });
    }
  });

  it("service install says it failed when systemctl --user cannot enable the unit (no user session here)", async () => {
    const fakeHome = await mkdtemp(join(tmpdir(), "hr-user-"));
    try {
      // HOME moves where the unit is written; this machine has no systemd user session to enable it.
      const result = await runCli(home, ["service", "install"], { HOME: fakeHome, XDG_RUNTIME_DIR: fakeHome });
      const unit = join(fakeHome, ".config", "systemd", "user", "headscale-remote.service");
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/wrote .*headscale-remote\.service, but systemctl --user failed/);
      expect(await readFile(unit, "utf8")).toContain(`HEADSCALE_REMOTE_HOME=${home}`);
    } finally {
      await rm(fakeHome, { recursive: true, force: true });
    }
  });

  it("escapes terminal control characters in what it prints", async () => {
    const result = await runCli(home, ["keys", "mint", "--device-id", "evil\x1b]0;owned\x07"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.includes("\x1b") || result.stdout.includes("\x07")).toBe(false);
    expect(result.stdout).toContain("evil\\x1b]0;owned\\x07");
  });

  it("shutdown stops Headscale and then the helper; with nothing running it says so", async () => {
    const fresh = await tempHome();
    try {
      const idle = await runCli(fresh, ["shutdown"]);
      expect(idle.exitCode).toBe(0);
      expect(idle.stdout).toMatch(/No helper is running/);
      const status = JSON.parse((await runCli(fresh, ["--json", "status"])).stdout);
      const done = await runCli(fresh, ["--json", "shutdown"]);
      expect(done.exitCode).toBe(0);
      expect(JSON.parse(done.stdout)).toEqual({ helper: { pid: status.helper.pid }, stopped: true });
      for (const pid of [status.helper.pid, status.headscale.pid]) expect(isAlive(pid)).toBe(false);
    } finally {
      await shutDownAndRemove(fresh);
    }
  });

  it("ends quietly when its reader goes away (logs -f | head -2)", async () => {
    const result = await execa(
      "sh",
      ["-c", `"${process.execPath}" "${await cliPath()}" --home "${home}" logs -f -n 50 | head -2`],
      { reject: false, timeout: 60_000 },
    );
    expect(result.stdout.split("\n")).toHaveLength(2);
    expect(result.stderr).toBe("");
  });

  it("says why the helper's lock cannot be taken, and what to do", async () => {
    const blocked = await tempHome();
    try {
      await runCli(blocked, ["start"]);
      await shutDownHelper(blocked);
      await mkdir(join(blocked, "state", "helper.pid"));
      const result = await runCli(blocked, ["status"]);
      expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({
        exitCode: 4,
        stderr: expect.stringMatching(
          /^headscale-remote: the helper could not start: cannot take the helper lock \S+helper\.pid: a folder is in its place; remove it$/,
        ),
      });
    } finally {
      await removeHome(blocked);
    }
  });

  it("says why a helper it launched could not start", async () => {
    const broken = await tempHome();
    try {
      await writeFile(`${broken}/settings.json`, '{"listenAddr": 42');
      const result = await runCli(broken, ["status"]);
      expect(result.exitCode).toBe(4);
      // Its own reason, and no advice to start a helper: that is what just failed.
      expect(result.stderr).toMatch(
        /^headscale-remote: the helper could not start: \S+settings\.json is not valid JSON \([^)]*\); fix it or move it away$/,
      );
      expect(await readFile(`${broken}/settings.json`, "utf8")).toBe('{"listenAddr": 42');
    } finally {
      await removeHome(broken);
    }
  });

  it("stop stops Headscale but leaves the helper answering", async () => {
    const status = await json(["stop"]);
    expect(status.headscale.state).toBe("stopped");
    // One shape, with a helper or without: the same keys, down to Headscale's.
    const keys = (answer: Record<string, unknown>) => ({
      top: Object.keys(answer).sort(),
      headscale: Object.keys(answer.headscale as object).sort(),
    });
    expect(keys(noHelperStop)).toEqual(keys(status));
    const nodes = await runCli(home, ["nodes"]);
    expect(nodes.exitCode).toBe(4); // nothing to talk to
    expect(nodes.stderr.trim()).toBe(
      "headscale-remote: Headscale is not running (stopped); start it with `headscale-remote start`",
    );
  });

  it("bridge up with Headscale stopped says at once why the node does not run, and keeps the mapping", async () => {
    const up = await runCli(home, ["bridge", "up", "--local-port", "18123"]);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout.split("\n")[0]).toMatch(/^The node does not run yet \(waiting\): .*Headscale/);
    expect((await json(["bridge", "status"])).mappings).toMatchObject([{ tailnetPort: 18123, localPort: 18123 }]);
    expect((await runCli(home, ["bridge", "down"])).exitCode).toBe(0);
  });
});
