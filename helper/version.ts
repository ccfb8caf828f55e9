import { readFileSync } from "node:fs";

/** The helper's version: the package's own, read once at load. */
export const HELPER_VERSION: string = (() => {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8"));
      if (manifest.name === "headscale-remote") return manifest.version as string;
    } catch {
      // try the next place: the source tree and dist/ sit at different depths
    }
  }
  return "0.0.0";
})();
