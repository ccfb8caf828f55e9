/**
 * A full disk while the helper writes its config or state: a clear error, the previous
 * files intact, the helper still answering. The home is a small tmpfs (needs root, as CI has).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HelperError } from "../../helper/client/helper-client.js";
import { isOurHeadscale } from "../../helper/headscale/pid-file.js";
import { commandLine, isAlive } from "../../helper/os/process-info.js";
import { ErrorCode } from "../../helper/protocol/errors.js";
import { removeHome, runCli, shutDownHelper, startTestHelper, tempHome, type TestHelper } from "../support/fixtures.js";

let mountPoint: string;
let t: TestHelper;

/** Fills what is left of the tmpfs, keeping `spare` bytes free. */
async function fill(spare = 0): Promise<void> {
  const { stdout } = await execa("df", ["--output=avail", "-B1", mountPoint]);
  const free = Number(stdout.trim().split("\n").pop());
  await writeFile(join(mountPoint, "filler"), Buffer.alloc(Math.max(0, free - spare)));
}

beforeAll(async () => {
  mountPoint = await mkdtemp(join(tmpdir(), "hr-full-"));
  await execa("mount", ["-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs", mountPoint]);
  t = await startTestHelper({ home: join(mountPoint, "home") });
});
afterAll(async () => {
  await t?.close();
  await execa("umount", [mountPoint]).catch(() => execa("umount", ["-l", mountPoint]));
  await rm(mountPoint, { recursive: true, force: true });
});

const VALID_POLICY = JSON.stringify({ acls: [{ action: "accept", src: ["*"], dst: ["*:*"] }] });

describe("a full disk", () => {
  it("refuses a settings change with a clear error and keeps the previous files", async () => {
    await t.client.call("preAuthKeys.mint", { deviceId: "before-full" });
    const config = await readFile(t.helper.paths.headscaleConfig, "utf8");
    const settings = await readFile(t.helper.paths.settings, "utf8");
    const devices = await readFile(t.helper.paths.deviceKeys, "utf8");
    await fill();
    try {
      const error = await t.client
        .call("config.set", { patch: { logLevel: "debug" } }, { timeoutMs: 60_000 })
        .catch((e) => e);
      expect(error).toBeInstanceOf(HelperError);
      // One line naming the file, not Node's "ENOSPC: no space left on device, open …".
      expect(error.message).toMatch(/\/\S+ cannot be written: no space left on the disk$/);

      // Headscale cannot store a valid policy: that is the disk, not the policy.
      const before = await t.client.call("policy.get");
      const policy = await t.client.call("policy.set", { policy: VALID_POLICY }).catch((e) => e);
      expect(policy).toBeInstanceOf(HelperError);
      expect({ code: policy.code, message: policy.message }).toEqual({
        code: ErrorCode.Failed,
        message: expect.stringMatching(/^Headscale could not store the policy, which is unchanged: .*disk is full/),
      });
      expect(await t.client.call("policy.get")).toEqual(before);

      // Headscale's database is on the full disk too: it refuses the new key, and the user is told why.
      const mint = await t.client.call("preAuthKeys.mint", { deviceId: "while-full" }).catch((e) => e);
      expect(mint).toBeInstanceOf(HelperError);
      expect({ code: mint.code, message: mint.message }).toEqual({
        code: ErrorCode.Failed,
        message: expect.stringMatching(/^Headscale CreatePreAuthKey failed: database or disk is full/),
      });

      expect(await readFile(t.helper.paths.headscaleConfig, "utf8")).toBe(config);
      expect(await readFile(t.helper.paths.settings, "utf8")).toBe(settings);
      expect(await readFile(t.helper.paths.deviceKeys, "utf8")).toBe(devices);
      expect(JSON.parse(devices).devices).toHaveLength(1);
      // The helper still answers, and truly: the Headscale it reports is alive, is ours, and still serves.
      const { headscale } = await t.client.call("status");
      expect(headscale).toMatchObject({ state: "running", pid: t.helper.supervisor.pid, restarts: 0 });
      expect(isAlive(headscale.pid!)).toBe(true);
      expect(isOurHeadscale(await commandLine(headscale.pid!), t.helper.paths.headscaleConfig)).toBe(true);
      expect((await t.client.call("users.list")).length).toBeGreaterThan(0);
    } finally {
      await rm(join(mountPoint, "filler"), { force: true });
    }
    // Space again: everything works as before.
    const reused = await t.client.call("preAuthKeys.mint", { deviceId: "before-full" });
    expect(reused.reused).toBe(true);
    const fresh = await t.client.call("preAuthKeys.mint", { deviceId: "after-full" });
    expect(fresh.reused).toBe(false);
  });
});

describe("a full disk when a helper starts", () => {
  it("the launched helper's own failure is one line naming the file", async () => {
    // A home begun before the disk filled: the launcher's checks pass, the helper's writes fail.
    const fresh = join(mountPoint, "fresh");
    await mkdir(join(fresh, "logs"), { recursive: true, mode: 0o700 });
    await writeFile(join(fresh, "logs", "helper-stderr.log"), "", { mode: 0o600 });
    await fill();
    try {
      const result = await runCli(fresh, ["status"]);
      expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({
        exitCode: 4,
        stderr: expect.stringMatching(
          /^headscale-remote: the helper could not start: \/\S+ cannot be written: no space left on the disk$/,
        ),
      });
      expect(result.stderr).not.toMatch(/did not answer within/);
    } finally {
      await rm(join(mountPoint, "filler"), { force: true });
    }
  });
});

describe("a full disk under the policy history alone", () => {
  it("says the policy is applied and that no copy to go back to was kept", async () => {
    const history = t.helper.paths.policyHistory;
    await mkdir(history, { recursive: true });
    await execa("mount", ["-t", "tmpfs", "-o", "size=4k,mode=0700", "tmpfs", history]);
    try {
      await writeFile(join(history, "filler"), Buffer.alloc(4096)).catch(() => {});
      const policy = JSON.stringify({ acls: [{ action: "accept", src: ["*"], dst: ["*:22"] }] });
      const error = await t.client.call("policy.set", { policy }).catch((e) => e);
      expect(error).toBeInstanceOf(HelperError);
      expect(error.message).toMatch(
        /^the policy is applied, but no copy to go back to could be kept: \/\S+ cannot be written: no space left on the disk$/,
      );
      // As it says: Headscale holds the new policy, and the log says a change was made.
      expect((await t.client.call("policy.get")).policy).toBe(policy);
      const logged = (await t.client.call("logs.tail", { lines: 20 })).map((line) => line.text);
      expect(logged).toContain("applied an ACL policy; no copy of it could be kept");
    } finally {
      await execa("umount", [history]).catch(() => execa("umount", ["-l", history]));
    }
  });
});

describe("a read-only home", () => {
  it("is one line naming the file, and no command writes or starts anything", async () => {
    const home = await tempHome();
    await runCli(home, ["start"]);
    await shutDownHelper(home);
    await execa("mount", ["--bind", home, home]);
    try {
      await execa("mount", ["-o", "remount,bind,ro", home]);
      for (const args of [["status"], ["start"], ["config", "set", "logLevel=debug"]]) {
        const result = await runCli(home, args);
        expect({ args, exitCode: result.exitCode, stderr: result.stderr }).toEqual({
          args,
          exitCode: 4,
          stderr: expect.stringMatching(
            /^headscale-remote: the helper could not start: \/\S+ cannot be written: it is on a read-only file system$/,
          ),
        });
      }
      const fresh = await runCli(join(home, "new", "home"), ["status"]);
      expect(fresh.stderr).toMatch(
        /^headscale-remote: the helper could not start: \/\S+\/new cannot be written: it is on a read-only file system$/,
      );
    } finally {
      await execa("umount", [home]).catch(() => execa("umount", ["-l", home]));
      await removeHome(home);
    }
  });
});
