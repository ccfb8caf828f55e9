/** Shared by the fault tests: replayable randomness, and which processes really serve a home. */
import { readdir, readFile } from "node:fs/promises";

/** A small deterministic generator, so a failing run can be replayed with the seed it prints. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** Live (not zombie) processes whose command line names this config: the Headscales serving a home. */
export async function processesServing(config: string): Promise<number[]> {
  const pids: number[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const argv = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    if (argv.includes(config) && !/\) Z /.test(stat)) pids.push(Number(pid));
  }
  return pids;
}
