/**
 * The version gate, against a real Headscale of another series (0.28.0, built from the Go module
 * proxy into .tools/bin/headscale-0.28): refused in one line naming the path, its version and
 * what to do, whether it is chosen by a setting or found at start.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { homePaths } from "../../helper/home/paths.js";
import { projectRoot } from "../../helper/project.js";
import { removeHome, runCli, tempHome } from "../support/fixtures.js";
import { tmpdir } from "node:os";

const OLD = join(projectRoot()!, ".tools", "bin", "headscale-0.28");
const ADVICE = /and this helper needs 0\.29\.x: download 0\.29\.3 with `headscale-remote headscale download`/;

describe("a Headscale that is not 0.29", () => {
  let home: string;
  beforeAll(async () => {
    if (!existsSync(OLD)) throw new Error(`${OLD} is missing: npm run build:go builds it`);
    home = await tempHome();
  });
  afterAll(async () => {
    await runCli(home, ["shutdown"]);
    await removeHome(home);
  });

  it("is refused as headscalePath in one line, and the setting stays", async () => {
    const result = await runCli(home, ["config", "set", `headscalePath=${OLD}`]);
    expect(result.exitCode).toBe(2);
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toMatch(new RegExp(`headscalePath: ${OLD} is Headscale v0\\.28\\.0, `));
    expect(lines[0]).toMatch(ADVICE);
    const view = JSON.parse((await runCli(home, ["--json", "config", "get"])).stdout);
    expect(view.settings.headscalePath).toBeUndefined();
    expect(JSON.parse((await runCli(home, ["--json", "status"])).stdout).headscale.state).toBe("running");
  });

  it("is refused at start when the settings already name it, with the reason in status", async () => {
    await runCli(home, ["shutdown"]);
    const paths = homePaths(home, tmpdir());
    const settings = JSON.parse(await readFile(paths.settings, "utf8"));
    await writeFile(paths.settings, JSON.stringify({ ...settings, headscalePath: OLD }, null, 2));
    const start = await runCli(home, ["start"]);
    expect(start.exitCode).not.toBe(0);
    expect(start.stderr).toMatch(ADVICE);
    const status = JSON.parse((await runCli(home, ["--json", "status"])).stdout);
    expect(status.headscale.state).not.toBe("running");
    expect(status.headscale.lastError).toMatch(/is Headscale v0\.28\.0/);
  });
});
