/** What the OS says about another process: alive? which command line? */
import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { execa } from "execa";

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, but someone else's, which is as good as alive for "is the PID taken".
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(pid);
}

/** An exited process its parent has not reaped yet still answers kill(0); it is dead all the same. */
function isZombie(pid: number): boolean {
  if (process.platform !== "linux") return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

/** Every process this user can see, with its argv (split at spaces where `ps` gives one line). */
export async function allCommandLines(): Promise<Map<number, string[]>> {
  const found = new Map<number, string[]>();
  if (process.platform === "linux") {
    for (const name of await readdir("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      const argv = await commandLine(Number(name));
      if (argv) found.set(Number(name), argv);
    }
    return found;
  }
  // One `ps` for all of them: one per process would take seconds on a busy Mac.
  const result = await execa("ps", ["-axww", "-o", "pid=,command="], { reject: false });
  for (const line of result.stdout.split("\n")) {
    const match = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (match) found.set(Number(match[1]), match[2]!.trim().split(/\s+/));
  }
  return found;
}

/** The process's argv, or undefined when it is gone or cannot be read. */
export async function commandLine(pid: number): Promise<string[] | undefined> {
  if (process.platform === "linux") {
    try {
      const raw = await readFile(`/proc/${pid}/cmdline`, "utf8");
      return raw.split("\0").filter((part) => part !== "");
    } catch {
      return undefined;
    }
  }
  const result = await execa("ps", ["-p", String(pid), "-o", "command="], { reject: false });
  return result.exitCode === 0 && result.stdout.trim() ? result.stdout.trim().split(/\s+/) : undefined;
}

export async function waitForExit(pid: number, timeoutMs: number, pollMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return !isAlive(pid);
}
