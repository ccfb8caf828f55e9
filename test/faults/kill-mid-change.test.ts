/**
 * A settings change cut short by `kill -9` while Headscale restarts with it (#25): the next helper
 * must not start Headscale on the new, unproven settings but put the previous ones back. Headscale
 * is made slow to start by a wrapper around the real binary, so the kill lands mid-restart every time.
 */
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { homePaths } from "../../helper/home/paths.js";
import { headscaleBinary, removeHome, runCli, spawnHelperProcess, tempHome } from "../support/fixtures.js";
import { waitUntil } from "../../testkit/wait.js";

let home: string;
const later: string[] = [];
afterAll(async () => {
  await runCli(home, ["shutdown"]);
  await removeHome(home);
  for (const dir of later) await rm(dir, { recursive: true, force: true });
});

describe("a settings change cut short by kill -9", () => {
  it("is undone by the next helper, which starts Headscale on the previous settings", async () => {
    home = await tempHome();
    const paths = homePaths(home, tmpdir());
    // Beside the home, not in it: a home holding other files is not taken for ours.
    const tools = await mkdtemp(join(tmpdir(), "hr-wrap-"));
    later.push(tools);
    const slow = join(tools, "slow-start");
    const wrapper = join(tools, "headscale-wrapper");
    await writeFile(
      wrapper,
      `#!/bin/sh\nif [ "$1" = serve ] && [ -e '${slow}' ]; then sleep 20; fi\nexec '${await headscaleBinary()}' "$@"\n`,
    );
    await chmod(wrapper, 0o755);

    const first = await spawnHelperProcess(home);
    expect((await runCli(home, ["config", "set", `headscalePath=${wrapper}`])).exitCode).toBe(0);
    await writeFile(slow, "");
    const change = runCli(home, ["config", "set", "logLevel=debug"]);
    // Committed and restarting: the new settings are on disk, Headscale not up with them yet.
    await waitUntil(
      async () =>
        existsSync(paths.pendingChange) && JSON.parse(await readFile(paths.settings, "utf8")).logLevel === "debug",
      {
        what: "the change to be committed",
        timeoutMs: 30_000,
      },
    );
    first.child.kill("SIGKILL");
    await change;
    await rm(slow);
    // The wrapper still sleeping in place of Headscale goes too, as a reboot would take it.
    await execa("pkill", ["-KILL", "-f", wrapper], { reject: false });

    await spawnHelperProcess(home);
    const settings = JSON.parse((await runCli(home, ["--json", "config", "get"])).stdout).settings;
    expect(settings.logLevel).toBe("info");
    expect(existsSync(paths.pendingChange)).toBe(false);
    expect((await readFile(paths.headscaleConfig, "utf8")).match(/level: (\w+)/)?.[1]).toBe("info");
    const status = JSON.parse((await runCli(home, ["--json", "status"])).stdout);
    expect(status.headscale.state).toBe("running");
    const logs = await runCli(home, ["logs", "-n", "200"]);
    expect(logs.stdout).toMatch(/a settings change was cut short .*the previous settings are back/);
  }, 180_000);
});
