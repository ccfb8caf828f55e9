// Builds the Go programs the project pins into .tools/bin (git-ignored): Headscale, from
// tools/headscale/go.mod, the Tailscale client the end-to-end tests use, from
// tools/tailscale/go.mod, and Pebble (the test ACME server of the real-topology suite), from
// tools/pebble/go.mod. Upgrading one is a `go get -tool …@version` in its folder.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const binDir = join(root, ".tools", "bin");

const programs = [
  { name: "headscale", module: "tools/headscale", modulePath: "github.com/juanfont/headscale", pkg: "github.com/juanfont/headscale/cmd/headscale" },
  { name: "tailscaled", module: "tools/tailscale", modulePath: "tailscale.com", pkg: "tailscale.com/cmd/tailscaled" },
  { name: "tailscale", module: "tools/tailscale", modulePath: "tailscale.com", pkg: "tailscale.com/cmd/tailscale" },
  // Only for the version-gate test: a real Headscale the helper must refuse.
  { name: "headscale-0.28", module: "tools/headscale-0.28", modulePath: "github.com/juanfont/headscale", pkg: "github.com/juanfont/headscale/cmd/headscale" },
  { name: "pebble", module: "tools/pebble", modulePath: "github.com/letsencrypt/pebble/v2", pkg: "github.com/letsencrypt/pebble/v2/cmd/pebble" },
];

/**
 * True when the binary was built from exactly the versions go.mod pins: the program's module and
 * every dependency Go recorded in it (an upgraded dependency, x/crypto say, means a rebuild).
 */
function upToDate(binary, goMod) {
  if (!existsSync(binary)) return false;
  let info;
  try {
    info = execFileSync("go", ["version", "-m", binary], { encoding: "utf8" });
  } catch {
    return false;
  }
  const pinned = new Map([...goMod.matchAll(/^\s*(\S+) (v\S+)/gm)].map((m) => [m[1], m[2]]));
  const built = [...info.matchAll(/^\t(?:mod|dep)\t(\S+)\t(v\S+)/gm)];
  return built.every(([, path, version]) => !pinned.has(path) || pinned.get(path) === version);
}

mkdirSync(binDir, { recursive: true });
const only = process.argv.slice(2);
for (const program of programs) {
  if (only.length && !only.includes(program.name)) continue;
  const goMod = readFileSync(join(root, program.module, "go.mod"), "utf8");
  const pinned = new RegExp(`${program.modulePath.replace(/[.]/g, "\\.")} (v\\S+)`).exec(goMod)?.[1];
  if (!pinned) throw new Error(`${program.module}/go.mod does not require ${program.modulePath}`);
  const target = join(binDir, program.name);
  if (upToDate(target, goMod)) {
    console.log(`${program.name} ${pinned} already built`);
    continue;
  }
  console.log(`building ${program.name} ${pinned} with Go (a few minutes the first time)…`);
  execFileSync("go", ["build", "-trimpath", "-o", target, program.pkg], {
    cwd: join(root, program.module),
    stdio: "inherit",
    env: { ...process.env, GOFLAGS: "-mod=mod" },
  });
}
