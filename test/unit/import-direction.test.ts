/**
 * The imports hold their direction: the protocol is the contract everyone shares, so it imports
 * nothing of the helper but itself and the pure leaves in util/; the Raycast commands (src/) reach
 * the helper only through helper/client.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Every .ts/.tsx file under a folder of the project, as a path from the project's root. */
function sourcesUnder(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts"))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join("/"));
}

/** The specifiers a source imports or re-exports: `from "…"`, `import "…"`, `import("…")`. */
function specifiersOf(source: string): string[] {
  const found = source.matchAll(
    /\bfrom\s*["']([^"']+)["']|\bimport\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']/g,
  );
  return [...found].map((match) => (match[1] ?? match[2] ?? match[3])!);
}

/** The project paths a file's relative imports lead to (packages and node: builtins are left out). */
function importedPaths(file: string): string[] {
  return specifiersOf(readFileSync(join(root, file), "utf8"))
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) =>
      relative(root, resolve(root, dirname(file), specifier))
        .split(sep)
        .join("/"),
    );
}

/** "file → target" for every import of a file in `folder` that reaches helper/ outside `allowed`. */
function strayImports(folder: string, allowed: readonly string[]): string[] {
  return sourcesUnder(folder).flatMap((file) =>
    importedPaths(file)
      .filter((target) => target.startsWith("helper/") && !allowed.some((ok) => target.startsWith(ok)))
      .map((target) => `${file} → ${target}`),
  );
}

describe("import direction", () => {
  it("finds imports however they are written", () => {
    const source = [
      'import { z } from "zod";',
      'import {\n  a,\n  b,\n} from "../config/reach.js";',
      'import type { C } from "./types.js";',
      'export { d } from "../headscale/routes.js";',
      'import "../daemon/side-effect.js";',
      'const e = await import("../home/paths.js");',
    ].join("\n");
    expect(specifiersOf(source)).toEqual([
      "zod",
      "../config/reach.js",
      "./types.js",
      "../headscale/routes.js",
      "../daemon/side-effect.js",
      "../home/paths.js",
    ]);
  });

  it("the protocol imports only itself and util/", () => {
    expect(sourcesUnder("helper/protocol").length).toBeGreaterThan(0);
    expect(strayImports("helper/protocol", ["helper/protocol/", "helper/util/"])).toEqual([]);
  });

  it("util/ holds pure leaves: it imports only itself", () => {
    expect(strayImports("helper/util", ["helper/util/"])).toEqual([]);
  });

  it("src/ imports the helper only through helper/client", () => {
    expect(sourcesUnder("src").length).toBeGreaterThan(0);
    expect(strayImports("src", ["helper/client/"])).toEqual([]);
  });
});
