/**
 * Homes and ports a new user may choose that once stopped Headscale (#25): a % in the home's
 * path, a relative home, a listen port that fetch refuses (10080). Each must serve, not only start.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { cliPath, runCli } from "../support/fixtures.js";

const made: string[] = [];
afterAll(async () => {
  for (const home of made) {
    await runCli(home, ["shutdown"]);
    await rm(home, { recursive: true, force: true });
  }
});

async function listsNodes(home: string): Promise<void> {
  const nodes = await runCli(home, ["--json", "nodes"]);
  expect(nodes.exitCode, nodes.stderr).toBe(0);
  expect(JSON.parse(nodes.stdout)).toEqual([]);
}

describe("homes and ports that once stopped Headscale", () => {
  it("a home whose path holds a %", async () => {
    const home = join(await mkdtemp(join(tmpdir(), "hr-")), "50%-off");
    made.push(home);
    await listsNodes(home);
  });

  it("refuses homes whose paths hold ?, # or %41, which Headscale's database would leave", async () => {
    const parent = await mkdtemp(join(tmpdir(), "hr-"));
    made.push(parent);
    for (const name of ["q?x", "h#x", "p%41c"]) {
      const result = await runCli(join(parent, name), ["users", "create", "u"]);
      expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({
        exitCode: 2,
        stderr: expect.stringMatching(
          /^headscale-remote: \S+ cannot hold Headscale's SQLite database: "(\?|#|%41)" in its path would have Headscale open it elsewhere/,
        ),
      });
    }
    // Commands that only stop things still work there (a helper of an older version may run).
    expect((await runCli(join(parent, "q?x"), ["shutdown"])).exitCode).toBe(0);
    // Before, "q?x" made <parent>/q, <parent>/q-wal and <parent>/q-shm: now nothing at all.
    expect(await readdir(parent)).toEqual([]);
  });

  it("a file given as the home is refused with advice that fits: no talk of shorter paths", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hsr-file-home-"));
    made.push(dir);
    const file = join(dir, "not-a-folder");
    await writeFile(file, "");
    const result = await runCli(file, ["status"]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(`${file} is not a folder: refusing to use it; use a home folder of your own`);
  });

  it("a relative home, from --home and from HEADSCALE_REMOTE_HOME, becomes absolute", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "hr-rel-"));
    made.push(join(cwd, "relhome"), join(cwd, "envhome"));
    const status = await execa(process.execPath, [await cliPath(), "--home", "relhome", "--json", "status"], {
      cwd,
      reject: false,
    });
    expect(status.exitCode, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).helper.home).toBe(join(cwd, "relhome"));
    expect(await readFile(join(cwd, "relhome", "config.yaml"), "utf8")).toContain(
      `path: ${join(cwd, "relhome", "headscale.db")}`,
    );
    await listsNodes(join(cwd, "relhome"));
    const fromEnv = await execa(process.execPath, [await cliPath(), "--json", "status"], {
      cwd,
      env: { HEADSCALE_REMOTE_HOME: "envhome" },
      reject: false,
    });
    expect(fromEnv.exitCode, fromEnv.stderr).toBe(0);
    expect(JSON.parse(fromEnv.stdout).helper.home).toBe(join(cwd, "envhome"));
  });

  it("a listen port browsers block (10080) passes the health check", async () => {
    const home = await mkdtemp(join(tmpdir(), "hr-"));
    made.push(home);
    const set = await runCli(home, ["config", "set", "listenAddr=127.0.0.1:10080"]);
    expect(set.exitCode, set.stderr).toBe(0);
    const status = JSON.parse((await runCli(home, ["--json", "status"])).stdout);
    expect(status.headscale).toMatchObject({ state: "running", serverUrl: "http://127.0.0.1:10080" });
    await listsNodes(home);
  });
});
