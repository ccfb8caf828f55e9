// Builds the pinned Headscale into .tools/bin (git-ignored). The version is the one
// tools/go/go.mod requires, so upgrading Headscale is a `go get -tool` there.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const goDir = join(root, "tools", "go");
const binDir = join(root, ".tools", "bin");
const target = join(binDir, "headscale");
const pinned = readFileSync(join(goDir, "go.mod"), "utf8").match(/github\.com\/juanfont\/headscale (v\S+)/)?.[1];
if (!pinned) throw new Error("tools/go/go.mod does not require github.com/juanfont/headscale");

function builtVersion() {
  if (!existsSync(target)) return undefined;
  try {
    return execFileSync(target, ["version"], { encoding: "utf8" }).match(/version (v\S+)/)?.[1];
  } catch {
    return undefined;
  }
}

if (builtVersion() === pinned) {
  console.log(`headscale ${pinned} already built at ${target}`);
} else {
  mkdirSync(binDir, { recursive: true });
  console.log(`building headscale ${pinned} with Go (takes a few minutes the first time)…`);
  execFileSync("go", ["build", "-trimpath", "-o", target, "github.com/juanfont/headscale/cmd/headscale"], {
    cwd: goDir,
    stdio: "inherit",
    env: { ...process.env, GOFLAGS: "-mod=mod" },
  });
  console.log(`headscale ${builtVersion()} built at ${target}`);
}
