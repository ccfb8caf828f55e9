// Builds what is missing before `npm start` or `npm test`, saying what it does: `npm ci` builds only
// the TypeScript (the Raycast store builds with Node and nothing else), so Headscale, the test
// clients and the tailnet addon are built here on a developer's machine, with Go and a C++ compiler.
// Without Go, `npm start` downloads the official Headscale instead; without a compiler the helper
// runs without the bridge and says so.
//   node scripts/ensure-built.mjs          what `npm start` needs
//   node scripts/ensure-built.mjs --tests  everything the tests run (Go and a compiler required)
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const forTests = process.argv.includes("--tests");
const has = (command, args = ["--version"]) => spawnSync(command, args, { stdio: "ignore" }).status === 0;
const step = (what, script, args = []) => {
  console.log(`▸ ${what}`);
  execFileSync(process.execPath, [join(root, "scripts", script), ...args], { cwd: root, stdio: "inherit" });
};

if (!existsSync(join(root, "dist", "helper", "cli", "main.js")) || !existsSync(join(root, "assets", "helper.mjs"))) {
  console.log("▸ the TypeScript and the helper bundle");
  execFileSync("npm", ["run", "build:ts"], { cwd: root, stdio: "inherit" });
}

const go = has("go", ["version"]);
/** Whether `headscale download` already put Headscale in the home npm start uses. */
const downloaded = async () => {
  const { homePaths, resolveHome } = await import(join(root, "dist", "helper", "home", "paths.js"));
  return existsSync(homePaths(resolveHome(), tmpdir()).downloadedHeadscale);
};
const compiler = has("c++") || has("g++") || has("clang++");
if (forTests && !(go && compiler)) {
  throw new Error(
    "the tests build Headscale, Tailscale clients and the tailnet addon: install Go 1.26 and a C++ compiler",
  );
}

if (go) {
  // Up-to-date programs are skipped in a moment; the first build takes minutes.
  step(
    "Go programs (Headscale; the test clients and Pebble for the tests)",
    "build-go-tools.mjs",
    forTests ? [] : ["headscale"],
  );
} else if (!existsSync(join(root, ".tools", "bin", "headscale")) && !(await downloaded())) {
  console.log(
    "▸ no Go here: the helper uses the official Headscale, downloaded and checked against its pinned SHA-256",
  );
  execFileSync(process.execPath, [join(root, "dist", "helper", "cli", "main.js"), "headscale", "download"], {
    cwd: root,
    stdio: "inherit",
  });
}

if (!existsSync(join(root, "native", "build", "Release", "hsr_tailnet.node"))) {
  if (go && compiler) step("the tailnet addon (Go and node-gyp; about a minute the first time)", "build-native.mjs");
  else console.log("▸ no Go or C++ compiler here: the helper runs without the tailnet bridge (it says so)");
}
