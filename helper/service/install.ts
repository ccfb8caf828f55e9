/** Installs or removes the service that keeps the helper running, for the current user. */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { homedir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { LAUNCHD_LABEL, SYSTEMD_UNIT, launchdPlist, systemdUnit, type ServiceSpec } from "./units.js";

export interface ServiceResult {
  file: string;
  /** What was run, or what the user should run when it could not be. */
  note: string;
}

function unitFile(): string {
  if (process.platform === "darwin") return join(homedir(), "Library", "LaunchAgents", `${LAUNCHD_LABEL}.plist`);
  if (process.platform === "linux") return join(homedir(), ".config", "systemd", "user", SYSTEMD_UNIT);
  throw new Error(`service install is supported on macOS and Linux, not ${process.platform}`);
}

async function run(command: string, args: string[]): Promise<string | undefined> {
  const result = await execa(command, args, { reject: false, timeout: 20_000 });
  return result.exitCode === 0 ? undefined : (result.stderr || result.shortMessage || "failed").trim();
}

export async function installService(spec: ServiceSpec): Promise<ServiceResult> {
  const file = unitFile();
  await mkdir(dirname(file), { recursive: true });
  if (process.platform === "darwin") {
    await writeFile(file, launchdPlist(spec));
    const domain = `gui/${userInfo().uid}`;
    await run("launchctl", ["bootout", domain, file]); // a previous version may be loaded
    const failed = await run("launchctl", ["bootstrap", domain, file]);
    if (failed) throw new Error(`wrote ${file} but launchctl bootstrap failed: ${failed}`);
    return { file, note: `loaded with launchctl bootstrap ${domain}` };
  }
  await writeFile(file, systemdUnit(spec));
  const failed =
    (await run("systemctl", ["--user", "daemon-reload"])) ??
    (await run("systemctl", ["--user", "enable", "--now", SYSTEMD_UNIT]));
  if (failed) {
    throw new Error(
      `wrote ${file}, but systemctl --user failed (${failed}); run: systemctl --user enable --now ${SYSTEMD_UNIT}`,
    );
  }
  return { file, note: `enabled and started with systemctl --user enable --now ${SYSTEMD_UNIT}` };
}

export async function uninstallService(): Promise<ServiceResult> {
  const file = unitFile();
  let note: string;
  if (process.platform === "darwin") {
    await run("launchctl", ["bootout", `gui/${userInfo().uid}`, file]);
    note = "unloaded with launchctl bootout";
  } else {
    const failed = await run("systemctl", ["--user", "disable", "--now", SYSTEMD_UNIT]);
    note = failed ? `systemctl --user disable failed (${failed})` : "stopped and disabled";
  }
  await rm(file, { force: true });
  if (process.platform === "linux") await run("systemctl", ["--user", "daemon-reload"]);
  return { file, note };
}
