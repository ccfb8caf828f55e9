/**
 * The PID file of the Headscale we run, and the clean-up of one left behind when the
 * helper died without stopping it. A PID is only trusted after checking that the process
 * really is Headscale serving our config: PIDs get recycled.
 */
import { rm } from "node:fs/promises";
import { z } from "zod";
import { allCommandLines, commandLine, waitForExit } from "../os/process-info.js";
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
  // `ps` (macOS) gives a command line split at spaces, and the home's path may hold some.
  const line = argv.join(" ");
  return /(^|\/)headscale serve /.test(line) && (argv.includes(configPath) || line.endsWith(` -c ${configPath}`));
}

/**
 * Ends every Headscale serving our config that a previous helper left running: the one its PID
 * file names, and any it had no time to name (killed between starting Headscale and writing the
 * file), which would hold the port so that ours could not start. Returns the PIDs ended.
 * SIGTERM first so it closes its database cleanly; SIGKILL after the grace period.
 */
export async function endOrphans(pidFile: string, configPath: string, graceMs = 5000): Promise<number[]> {
  const named = PidRecord.safeParse(await readJsonIfExists(pidFile).catch(() => undefined));
  const commandLines = await allCommandLines();
  // The named one is checked on its own too: a scan can miss what it cannot read.
  if (named.success && !commandLines.has(named.data.pid)) {
    const argv = await commandLine(named.data.pid);
    if (argv) commandLines.set(named.data.pid, argv);
  }
  const ours = [...commandLines]
    .filter(([pid, argv]) => pid !== process.pid && isOurHeadscale(argv, configPath))
    .map(([pid]) => pid);
  await Promise.all(
    ours.map(async (pid) => {
      signal(pid, "SIGTERM");
      if (!(await waitForExit(pid, graceMs))) {
        signal(pid, "SIGKILL");
        await waitForExit(pid, graceMs);
      }
    }),
  );
  await removePidFile(pidFile);
  return ours;
}

/** A process that has exited meanwhile needs no signal. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
