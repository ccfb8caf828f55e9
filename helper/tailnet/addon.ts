/**
 * Loads our native tailnet library (native/). It is optional: a helper without it has everything
 * but the bridge. Looked for, in order: HEADSCALE_REMOTE_TAILNET_ADDON (another build of it), the
 * project's own build (native/build/Release, made by `npm run build:native` in a checkout), then the
 * prebuilt one npm installs with `npm install -g headscale-remote`: the package of this platform
 * (@headscale-remote/addon-<platform>-<arch>, an optional dependency chosen by its `os`/`cpu`).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { INSTALL_COMMAND, projectRoot } from "../project.js";
import { BridgeError } from "./bridge-error.js";

/** The addon's functions: thin wrappers of native/tailnet/hsr_tailnet.h, each returning at once. */
export interface TailnetAddon {
  setEventHandler(handler: (node: number, json: string) => void): void;
  nodeNew(configJson: string): number;
  nodeUp(node: number): void;
  nodeClose(node: number): void;
  forwardAdd(node: number, tailnetPort: number, localPort: number): void;
  forwardRemove(node: number, tailnetPort: number): void;
  nodeStatus(node: number): string;
  setMemoryLimit(bytes: number): number;
}

/** The platforms we publish a prebuilt addon for (see npm/ and .github/workflows/release.yml). */
export const PREBUILT_PLATFORMS = ["darwin-arm64", "darwin-x64", "linux-x64"] as const;

/** The npm package holding the prebuilt addon for a platform, e.g. @headscale-remote/addon-darwin-arm64. */
export function addonPackageName(platform: string = process.platform, arch: string = process.arch): string {
  return `@headscale-remote/addon-${platform}-${arch}`;
}

/** The file inside that package (and the name node-gyp gives it). */
export const ADDON_FILE = "hsr_tailnet.node";

/** What gets a user the addon: the one npm command, or how to build it where none is published. */
export function addonInstallHint(platform: string = process.platform, arch: string = process.arch): string {
  const build =
    "build it in a checkout of Headscale Remote with `npm ci && npm run build:native` (Go 1.26 and a C++ compiler)";
  const key = `${platform}-${arch}`;
  if (!(PREBUILT_PLATFORMS as readonly string[]).includes(key)) {
    return `no prebuilt addon is published for ${key} (only for ${PREBUILT_PLATFORMS.join(", ")}): ${build}`;
  }
  return (
    `install it with \`${INSTALL_COMMAND}\` (it brings ${addonPackageName(platform, arch)}, ` +
    `unless optional dependencies are left out), or ${build}`
  );
}

/**
 * A missing part, as a missing Headscale is: a failure whose data names the install command that
 * brings it, for clients to offer.
 */
export class AddonMissingError extends BridgeError {
  constructor(detail: string) {
    super(
      `the tailnet bridge needs the native addon, which this helper does not have (${detail}); ${addonInstallHint()}`,
      "failed",
      { data: { installCommand: INSTALL_COMMAND } },
    );
    this.name = "AddonMissingError";
  }
}

export interface AddonLookup {
  /** The variable's value, if set: then it is the only place looked at. */
  override?: string;
  /** The folder holding our package.json, when known. */
  root?: string;
  /** Resolves a module specifier as Node would from this package (createRequire's resolve). */
  resolve?: (specifier: string) => string;
}

/**
 * Where the addon is, or why it is not: the override alone when set (a wrong path is not papered
 * over by another build), otherwise the project's build, then the installed platform package.
 */
export function findAddon(lookup: AddonLookup): { path: string } | { missing: string } {
  if (lookup.override !== undefined && lookup.override !== "") {
    return existsSync(lookup.override)
      ? { path: lookup.override }
      : { missing: `${lookup.override} is missing (HEADSCALE_REMOTE_TAILNET_ADDON names it)` };
  }
  const tried: string[] = [];
  if (lookup.root) {
    const built = join(lookup.root, "native", "build", "Release", ADDON_FILE);
    if (existsSync(built)) return { path: built };
    tried.push(built);
  }
  const specifier = `${addonPackageName()}/${ADDON_FILE}`;
  try {
    const installed = lookup.resolve?.(specifier);
    if (installed && existsSync(installed)) return { path: installed };
  } catch {
    // not installed: said below
  }
  tried.push(`the package ${addonPackageName()}`);
  return { missing: `looked for ${tried.join(" and ")}` };
}

/**
 * Go's soft memory limit for the node, in MiB (0: none). None by default since issue #23, where
 * the 256 MiB limit shipped before cost about a quarter of the throughput: the node's memory is
 * held down where it grows instead (netstack's TCP windows capped, so fewer 64 KiB packet buffers
 * are in flight, and the free heap handed back once the bridge has been quiet for 5 s;
 * native/tailnet/memory.go has the bench's figures).
 * HEADSCALE_REMOTE_TAILNET_MEMORY_LIMIT_MIB sets one.
 */
export const DEFAULT_MEMORY_LIMIT_MIB = 0;

export function memoryLimitMiB(env = process.env): number {
  const raw = env.HEADSCALE_REMOTE_TAILNET_MEMORY_LIMIT_MIB;
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : DEFAULT_MEMORY_LIMIT_MIB;
}

let loaded: Promise<TailnetAddon> | undefined;

/** The addon, loaded once (see the top of this file for where it is looked for). */
export function loadAddon(): Promise<TailnetAddon> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const found = findAddon({
      override: process.env.HEADSCALE_REMOTE_TAILNET_ADDON,
      root: projectRoot(),
      resolve: (specifier) => require.resolve(specifier),
    });
    if ("missing" in found) throw new AddonMissingError(found.missing);
    try {
      const addon = require(found.path) as TailnetAddon;
      const limit = memoryLimitMiB();
      if (limit > 0) addon.setMemoryLimit(limit * 1024 * 1024);
      return addon;
    } catch (error) {
      throw new AddonMissingError(`${found.path} does not load: ${(error as Error).message}`);
    }
  })();
  return loaded;
}
