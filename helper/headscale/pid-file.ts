/**
 * The PID file of the Headscale we run, and the clean-up of one left behind when the
 * helper died without stopping it. A PID is only trusted after checking that the process
 * really is Headscale serving our config: PIDs get recycled.
 */
import { rm } from "node:fs/promises";
import { z } from "zod";
import { commandLine, isAlive, waitForExit } from "../os/process-info.js";
import { readJsonIfExists, writeFileAtomic } from "../home/secure-fs.js";

const PidRecord = z.object({ pid: z.number().int().positive(), binary: z.string(), config: z.string() });
type PidRecord = z.infer<typeof PidRecord>;

export async function writePidFile(path: string, record: PidRecord): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(record));
}

export async function removePidFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

export function isOurHeadscale(argv: string[] | undefined, configPath: string): boolean {
  if (!argv) return false;
  const binaryOk = argv.some((part) => /(^|\/)headscale$/.test(part));
  return binaryOk && argv.includes("serve") && argv.includes(configPath);
}

/**
 * Ends a Headscale left by a previous helper. Returns its PID when one was ended.
 * SIGTERM first so it closes its database cleanly; SIGKILL after the grace period.
 */
export async function endOrphan(pidFile: string, configPath: string, graceMs = 5000): Promise<number | undefined> {
  const parsed = PidRecord.safeParse(await readJsonIfExists(pidFile).catch(() => undefined));
  let ended: number | undefined;
  if (parsed.success) {
    const { pid } = parsed.data;
    if (isAlive(pid) && isOurHeadscale(await commandLine(pid), configPath)) {
      process.kill(pid, "SIGTERM");
      if (!(await waitForExit(pid, graceMs))) {
        process.kill(pid, "SIGKILL");
        await waitForExit(pid, graceMs);
      }
      ended = pid;
    }
  }
  await removePidFile(pidFile);
  return ended;
}
