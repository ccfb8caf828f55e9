// Bundles the helper's own entry (helper/daemon/main.ts) into assets/helper.mjs (git-ignored):
// the file every helper process runs (see helperEntry in helper/project.ts), and what the Raycast
// extension, which ships only what is in assets/, starts with Raycast's own Node. Whitespace and
// syntax are minified, names kept: the process holds the source for as long as it idles, and its
// stack traces stay readable.
import { build } from "esbuild";

await build({
  entryPoints: ["helper/daemon/main.ts"],
  outfile: "assets/helper.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minifyWhitespace: true,
  minifySyntax: true,
  // CommonJS dependencies bundled into an ES module still call require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: "warning",
});
console.log("bundled the helper into assets/helper.mjs");
