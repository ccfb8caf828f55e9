/** This package on disk: where it is installed and its version, from our own package.json. */
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let found: { root: string | undefined; version: string } | undefined;

/**
 * Walks up from this module to the package.json named headscale-remote, once. This module sits at
 * different depths in the source tree, in dist/ and in the bundled assets/helper.mjs. Lazy: Raycast's
 * bundle imports this module without ever asking.
 */
function project(): { root: string | undefined; version: string } {
  if (found) return found;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      if (manifest.name === "headscale-remote") return (found = { root: dir, version: String(manifest.version) });
    } catch {
      // no package.json here, or not ours: keep walking
    }
    if (dirname(dir) === dir) return (found = { root: undefined, version: "0.0.0" });
  }
}

/** The folder holding our package.json (the checkout, or the installed package). */
export function projectRoot(): string | undefined {
  return project().root;
}

/**
 * What `node` runs to be the helper: its own entry (helper/daemon/main.ts, not the CLI) bundled
 * into one minified file, assets/helper.mjs, by `npm run build`; Raycast ships the same file. A
 * helper idles for hours: at start, one running the bundle holds about 67 MiB, against 76 for the
 * CLI bundled and 82 for dist/'s few hundred modules. A bundle older than dist/ is stale (tsc ran
 * alone since): then, and without a bundle, dist/'s copy of the entry does the same job.
 */
export function helperEntry(): string {
  const root = projectRoot() ?? ".";
  const bundle = join(root, "assets", "helper.mjs");
  const built = join(root, "dist", "helper", "daemon", "main.js");
  const modified = (path: string) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  const bundled = modified(bundle);
  return bundled >= 0 && bundled >= modified(built) ? bundle : built;
}

/** The helper's version, the package's own. */
export function helperVersion(): string {
  return project().version;
}

/**
 * The Node flags the helper runs with, wherever it is started (Raycast, the CLI, a service).
 * Semi-spaces of 2 MB instead of V8's 16–32: a big node listing is garbage within milliseconds,
 * and a small nursery gives the memory back instead of holding it while idle (at 4 MB it held
 * 8 MB between calls; at 1 MB it saved no more). `gc()` is for the one collection after a busy
 * spell (see IdleCollector).
 */
export const HELPER_NODE_FLAGS = ["--max-semi-space-size=2", "--expose-gc"] as const;

/**
 * What the helper's environment adds to its starter's, wherever it is started. glibc's malloc
 * (Linux) keeps what is freed below its mmap threshold, and raises that threshold as big blocks
 * are freed. Node reads Headscale's answers in 64 KiB blocks, so a few big listings left the
 * helper holding 15–50 MiB of freed heap. Blocks from 16 KiB up are mapped, and given back when
 * freed: at 64 KiB the smaller ones still left 3–14 MiB of holes in the heap, varying from run
 * to run. Other C libraries (macOS's) ignore the variable.
 */
export const HELPER_ENV = { MALLOC_MMAP_THRESHOLD_: "16384" } as const;

/** What a user runs to get the CLI, the helper and the prebuilt bridge. */
export const INSTALL_COMMAND = "npm install -g headscale-remote";
