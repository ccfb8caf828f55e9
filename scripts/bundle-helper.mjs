// Bundles the helper's CLI into assets/helper.mjs (git-ignored), so the Raycast extension,
// which ships only what is in assets/, can start a detached helper with Raycast's own Node.
import { build } from "esbuild";

await build({
  entryPoints: ["helper/cli/main.ts"],
  outfile: "assets/helper.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // CommonJS dependencies bundled into an ES module still call require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: "warning",
});
console.log("bundled the helper into assets/helper.mjs");
