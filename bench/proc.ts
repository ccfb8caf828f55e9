/** What the benches read of a process from /proc (Linux), and the two small helpers they all use. */
import { readFile } from "node:fs/promises";
import { percentile } from "./stats.js";

export const median = (samples: number[]) => percentile(samples, 50);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * CPU seconds (user + system) a process has used so far. The fields are counted after the
 * command name's closing parenthesis: the name itself may hold spaces or parentheses.
 */
export async function cpuSeconds(pid: number): Promise<number> {
  const fields = await statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
}

/** Minor page faults a process has taken so far: memory it touched for the first time, or again after giving it back. */
export async function minorFaults(pid: number): Promise<number> {
  return Number((await statFields(pid))[7]);
}

async function statFields(pid: number): Promise<string[]> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** A memory figure of /proc/PID/status (VmRSS unless told, VmHWM for the peak), in KiB. */
export async function statusKiB(pid: number, field = "VmRSS"): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
}

export const rssKiB = (pid: number) => statusKiB(pid);
export const rssMiB = async (pid: number, field = "VmRSS") => (await statusKiB(pid, field)) / 1024;
