/**
 * Loads our native tailnet library (native/, built by `npm ci`). It is optional: a helper
 * started from Raycast's bundled copy has no addon, and then only the bridge is missing.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { projectRoot } from "../project.js";

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

export class AddonMissingError extends Error {
  constructor(detail: string) {
    super(
      `the tailnet bridge needs the native addon, which this helper does not have (${detail}); ` +
        "build it with `npm ci` in a checkout of Headscale Remote (Go 1.26 and a C++ compiler) and run the helper from there",
    );
    this.name = "AddonMissingError";
  }
}

/**
 * Go's soft memory limit for the node, in MiB (0: none). tsnet's netstack keeps buffers it
 * has used, so without a limit the helper grows under sustained traffic as tailscaled does
 * (≈ 800 MiB after 1 GiB each way). `npm run bench` prints the trade-off: at 256 MiB the
 * helper stayed near 300 MiB with throughput still at or above tailscaled's; at 192 MiB and
 * below, throughput fell to about 0.8×. HEADSCALE_REMOTE_TAILNET_MEMORY_LIMIT_MIB overrides it.
 */
export const DEFAULT_MEMORY_LIMIT_MIB = 256;

export function memoryLimitMiB(env = process.env): number {
  const raw = env.HEADSCALE_REMOTE_TAILNET_MEMORY_LIMIT_MIB;
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : DEFAULT_MEMORY_LIMIT_MIB;
}

let loaded: Promise<TailnetAddon> | undefined;

/** The addon, loaded once; HEADSCALE_REMOTE_TAILNET_ADDON names another build of it. */
export function loadAddon(): Promise<TailnetAddon> {
  loaded ??= (async () => {
    const root = projectRoot();
    const path =
      process.env.HEADSCALE_REMOTE_TAILNET_ADDON ??
      (root ? join(root, "native", "build", "Release", "hsr_tailnet.node") : undefined);
    if (!path || !existsSync(path)) throw new AddonMissingError(`${path ?? "native/build"} is missing`);
    try {
      const addon = createRequire(import.meta.url)(path) as TailnetAddon;
      const limit = memoryLimitMiB();
      if (limit > 0) addon.setMemoryLimit(limit * 1024 * 1024);
      return addon;
    } catch (error) {
      throw new AddonMissingError(`${path} does not load: ${(error as Error).message}`);
    }
  })();
  return loaded;
}
