/**
 * A long-running program inside a namespace of the test topology, as the testkit starts each one
 * (an echo service, the helper, Pebble and its proxy, Headscale): what it printed so far, stdout
 * and stderr together, and a wait for it to be ready that fails at once, saying what it printed,
 * if it exits first.
 */
import type { ResultPromise } from "execa";
import type { Namespace } from "./netns.js";
import { waitUntil, type Truthy, type WaitOptions } from "./wait.js";

export interface NamespaceService {
  child: ResultPromise;
  /** What it printed so far. */
  output(): string;
  exited(): boolean;
  /** waitUntil(ready), failing as soon as the program has exited. */
  until<T>(ready: () => T | Promise<T>, options: WaitOptions): Promise<Truthy<T>>;
  /** SIGTERM, and SIGKILL if it is still there after `graceMs`; settles once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `file` in `ns`; `name` is how errors call it, `onOutput` sees each piece it prints. */
export function startInNamespace(
  ns: Namespace,
  name: string,
  command: { file: string; args: string[]; env: Record<string, string> },
  onOutput?: (text: string) => void,
): NamespaceService {
  const child = ns.spawn(command.file, command.args, {
    env: command.env,
    reject: false,
    buffer: false,
    all: true,
    stdin: "ignore",
  });
  let out = "";
  let exited = false;
  child.all!.setEncoding("utf8");
  child.all!.on("data", (chunk: string) => {
    out += chunk;
    onOutput?.(chunk);
  });
  const done = child.then(() => void (exited = true));
  return {
    child,
    output: () => out,
    exited: () => exited,
    until: (ready, options) =>
      waitUntil(() => {
        if (exited) throw new Error(`${name} exited: ${out}`);
        return ready();
      }, options),
    async stop(graceMs = 30_000) {
      if (exited) return;
      child.kill("SIGTERM");
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      if (!exited) {
        child.kill("SIGKILL");
        await done;
      }
    },
  };
}

/** Stops each of `services` that was started, in order, the rest even when one fails; then throws the first failure. */
export async function stopAll(...services: ({ stop(): Promise<unknown> } | undefined)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const service of services) await service?.stop().catch((error: unknown) => failures.push(error));
  if (failures.length > 0) throw failures[0];
}
