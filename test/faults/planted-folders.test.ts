/**
 * The home's own folders (logs, secrets) replaced by a symbolic link to a folder outside the home:
 * refused in one line, nothing written through it; a folder of ours left 0755 is made 0700 again.
 */
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeHome, runCli, shutDownHelper, tempHome } from "../support/fixtures.js";

let home: string;
let outside: string;

beforeAll(async () => {
  home = await tempHome();
  expect((await runCli(home, ["start"])).exitCode).toBe(0);
  await shutDownHelper(home);
  outside = await mkdtemp(join(tmpdir(), "hr-outside-"));
  await chmod(outside, 0o755);
});
afterAll(async () => {
  await shutDownHelper(home).catch(() => {});
  await removeHome(home);
  await rm(outside, { recursive: true, force: true });
});

describe("a home folder replaced by a symbolic link", () => {
  for (const folder of ["logs", "secrets"]) {
    it(`${folder}/ is refused, and nothing is written outside the home`, async () => {
      const kept = join(home, `${folder}.kept`);
      await rename(join(home, folder), kept);
      await symlink(outside, join(home, folder));
      try {
        const result = await runCli(home, ["status"]);
        expect(result.exitCode).not.toBe(0);
        expect(result.stderr).toMatch(
          new RegExp(
            `^headscale-remote: (the helper could not start: )?\\S+/${folder} is a symbolic link; move it away`,
          ),
        );
        expect(await readdir(outside)).toEqual([]);
        expect((await stat(outside)).mode & 0o777).toBe(0o755);
      } finally {
        await shutDownHelper(home).catch(() => {});
        await rm(join(home, folder));
        await rename(kept, join(home, folder));
      }
    });
  }

  it("a folder of ours left 0755 is made 0700 again", async () => {
    await chmod(join(home, "secrets"), 0o755);
    await mkdir(join(home, "logs"), { recursive: true });
    expect((await runCli(home, ["status"])).exitCode).toBe(0);
    expect((await stat(join(home, "secrets"))).mode & 0o777).toBe(0o700);
    await shutDownHelper(home);
  });
});
