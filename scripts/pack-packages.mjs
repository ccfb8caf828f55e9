// Stages and packs what `npm install -g headscale-remote` installs (see npm/README.md):
//   - @headscale-remote/addon-<platform>-<arch> for the computer this runs on, from the built addon
//     (native/build/Release/hsr_tailnet.node, or --addon PATH);
//   - headscale-remote itself, with the platform packages as optionalDependencies at its version.
// Each is staged in a folder of its own under --out (default: a new temporary folder) and packed
// there with `npm pack`. Nothing in the repository changes. The last line printed on stdout is JSON:
// {"out", "main", "addon"} with the tarballs' paths (null for one not asked for with --only).
//
//   node scripts/pack-packages.mjs [--out DIR] [--only main|addon] [--addon PATH] [--no-strip]
//
// Needs `npm run build:ts` (dist/helper, assets/helper.mjs) for the main package, and the built addon
// plus Go (for the licences of the Go modules compiled into it) for the platform package.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { mkdtempSync, openSync, readSync, closeSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ADDON_FILE = "hsr_tailnet.node";
const PLATFORMS = ["darwin-arm64", "darwin-x64", "linux-x64"];
/** What the CLI and the helper run, when package.json has no "files" of its own. */
const MAIN_FILES = ["dist/helper", "assets/helper.mjs"];
/** The functions the helper calls (helper/tailnet/addon.ts TailnetAddon). */
const ADDON_EXPORTS = [
  "setEventHandler",
  "nodeNew",
  "nodeUp",
  "nodeClose",
  "forwardAdd",
  "forwardRemove",
  "nodeStatus",
  "setMemoryLimit",
];

const { values: args } = parseArgs({
  options: {
    out: { type: "string" },
    only: { type: "string" },
    addon: { type: "string" },
    "no-strip": { type: "boolean", default: false },
  },
});
if (args.only !== undefined && !["main", "addon"].includes(args.only)) fail("--only takes main or addon");

function fail(message) {
  console.error(`pack-packages: ${message}`);
  process.exit(1);
}

const say = (message) => console.error(message);
const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));
const writeJson = (path, value) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);

const manifest = readJson(join(root, "package.json"));
const version = manifest.version;
const platform = `${process.platform}-${process.arch}`;
const out = resolve(args.out ?? mkdtempSync(join(tmpdir(), "hsr-pack-")));
mkdirSync(join(out, "stage"), { recursive: true });

/** `npm pack` of a staged folder into `out`; scripts off (the staged files are already built). */
function pack(folder) {
  const stdout = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", out], {
    cwd: folder,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [result] = JSON.parse(stdout);
  const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
  say(`packed ${result.id}: ${result.entryCount} files, ${kib(result.size)} (${kib(result.unpackedSize)} unpacked)`);
  return join(out, result.filename);
}

/** The machine an ELF or Mach-O file is for, as "<platform>-<arch>", or why it is neither. */
function binaryPlatform(path) {
  const header = Buffer.alloc(20);
  const fd = openSync(path, "r");
  readSync(fd, header, 0, header.length, 0);
  closeSync(fd);
  if (header.readUInt32BE(0) === 0x7f454c46) {
    const machine = header.readUInt16LE(18);
    return `linux-${{ 0x3e: "x64", 0xb7: "arm64" }[machine] ?? `machine 0x${machine.toString(16)}`}`;
  }
  if (header.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = header.readUInt32LE(4);
    return `darwin-${{ 0x01000007: "x64", 0x0100000c: "arm64" }[cpu] ?? `cpu 0x${cpu.toString(16)}`}`;
  }
  return `neither ELF nor a 64-bit Mach-O (${header.subarray(0, 4).toString("hex")})`;
}

/** The addon must load in this Node and export what the helper calls, or it is not packed. */
function checkAddonLoads(path) {
  const script = `const a = require(process.argv[1]); console.log(JSON.stringify(Object.keys(a)))`;
  let keys;
  try {
    keys = JSON.parse(execFileSync(process.execPath, ["-e", script, path], { encoding: "utf8" }));
  } catch (error) {
    fail(`${path} does not load in Node ${process.version}: ${error.message}`);
  }
  const absent = ADDON_EXPORTS.filter((name) => !keys.includes(name));
  if (absent.length) fail(`${path} lacks ${absent.join(", ")}: not the addon the helper calls`);
}

/**
 * The licence of everything compiled into the addon, after ours: each Go module the library links
 * (as `go list -deps` sees them for this platform), the Go runtime and node-addon-api's headers.
 */
function addonLicense() {
  const sections = [readFileSync(join(root, "npm", "LICENSE"), "utf8").trimEnd()];
  const notice = (name, dir, files) => {
    for (const file of files) {
      sections.push(`${"-".repeat(78)}\n${name} (${file})\n\n${readFileSync(join(dir, file), "utf8").trimEnd()}`);
    }
  };
  const licenseFiles = (dir) =>
    readdirSync(dir)
      .filter((name) => /^(licen[cs]e|copying|notice|patents)(\.(md|txt))?$/i.test(name))
      .sort();
  let listing;
  try {
    listing = execFileSync(
      "go",
      ["list", "-deps", "-f", "{{with .Module}}{{.Path}}@{{.Version}}\t{{.Dir}}{{end}}", "./tailnet"],
      { cwd: join(root, "native"), encoding: "utf8", env: { ...process.env, GOFLAGS: "-mod=mod", CGO_ENABLED: "1" } },
    );
  } catch (error) {
    fail(`go list (for the licences of the Go modules in the addon) failed: ${error.message}`);
  }
  const modules = [...new Set(listing.split("\n").filter(Boolean))].sort();
  const ours = [];
  for (const line of modules) {
    const [name, dir] = line.split("\t");
    if (name.startsWith("headscale-remote/")) continue; // our own: the MIT text above
    const files = dir ? licenseFiles(dir) : [];
    if (!files.length) fail(`no licence file found for the Go module ${name} (in ${dir || "no folder"})`);
    ours.push([name, dir, files]);
  }
  const goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
  const goVersion = execFileSync("go", ["env", "GOVERSION"], { encoding: "utf8" }).trim();
  sections.push(`${"=".repeat(78)}\nhsr_tailnet.node also contains the following software, under these licences.`);
  notice(`The Go runtime and standard library, ${goVersion}`, goroot, licenseFiles(goroot));
  for (const [name, dir, files] of ours) notice(name, dir, files);
  const nodeAddonApi = join(root, "node_modules", "node-addon-api");
  notice(
    `node-addon-api@${readJson(join(nodeAddonApi, "package.json")).version}`,
    nodeAddonApi,
    licenseFiles(nodeAddonApi),
  );
  return `${sections.join("\n\n")}\n`;
}

function stageAddon() {
  if (!PLATFORMS.includes(platform))
    fail(`no platform package is defined for ${platform} (only ${PLATFORMS.join(", ")})`);
  const source = resolve(args.addon ?? join(root, "native", "build", "Release", ADDON_FILE));
  if (!existsSync(source)) fail(`${source} is missing: build it with \`npm run build:native\``);
  const built = binaryPlatform(source);
  if (built !== platform) fail(`${source} is for ${built}, and this computer is ${platform}`);
  checkAddonLoads(source);
  const template = join(root, "npm", `addon-${platform}`);
  const stage = join(out, "stage", `addon-${platform}`);
  mkdirSync(stage, { recursive: true });
  const pkg = readJson(join(template, "package.json"));
  writeJson(join(stage, "package.json"), { ...pkg, version });
  copyFileSync(join(template, "README.md"), join(stage, "README.md"));
  writeFileSync(join(stage, "LICENSE"), addonLicense());
  const target = join(stage, ADDON_FILE);
  copyFileSync(source, target);
  chmodSync(target, 0o755);
  if (!args["no-strip"]) {
    // Symbols only: Go's stack traces use its own tables, which stay. 46 MB → 25 MB on linux-x64.
    const stripArgs = process.platform === "darwin" ? ["-x", target] : ["--strip-unneeded", target];
    try {
      execFileSync("strip", stripArgs, { stdio: "inherit" });
    } catch (error) {
      fail(`strip ${stripArgs.join(" ")} failed (${error.message}); --no-strip packs the addon as built`);
    }
    checkAddonLoads(target);
  }
  say(`staged ${pkg.name}@${version} from ${source} (${(statSync(target).size / 1e6).toFixed(1)} MB)`);
  return pack(stage);
}

function stageMain() {
  const stage = join(out, "stage", "main");
  mkdirSync(stage, { recursive: true });
  const files = manifest.files ?? MAIN_FILES;
  for (const entry of ["dist/helper/cli/main.js", "dist/helper/daemon/main.js", "assets/helper.mjs"]) {
    if (!existsSync(join(root, entry))) fail(`${entry} is missing: run \`npm run build:ts\` first`);
  }
  // A build older than its sources would publish yesterday's helper.
  const mtime = (file) => statSync(join(root, file), { throwIfNoEntry: false })?.mtimeMs ?? -1;
  const sources = readdirSync(join(root, "helper"), { recursive: true })
    .map(String)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"));
  const stale = sources.filter(
    (file) => mtime(`dist/helper/${file.replace(/\.ts$/, ".js")}`) < mtime(`helper/${file}`),
  );
  if (stale.length) fail(`dist/helper is older than helper/${stale[0]}: run \`npm run build:ts\``);
  if (mtime("assets/helper.mjs") < Math.max(...sources.map((file) => mtime(`helper/${file}`)))) {
    fail("assets/helper.mjs is older than helper/: run `npm run build:ts` (it bundles the helper too)");
  }
  for (const entry of files) {
    if (/[*?[{]/.test(entry)) fail(`package.json "files" entry ${entry}: this script copies plain paths only`);
    if (!existsSync(join(root, entry))) fail(`${entry} (in the package's files) is missing`);
    cpSync(join(root, entry), join(stage, entry), { recursive: true });
  }
  // npm always packs these; the repository has no LICENSE of its own yet, so npm/'s MIT text.
  for (const [from, to] of [
    ["README.md", "README.md"],
    ["CHANGELOG.md", "CHANGELOG.md"],
    [existsSync(join(root, "LICENSE")) ? "LICENSE" : "npm/LICENSE", "LICENSE"],
  ]) {
    if (existsSync(join(root, from))) copyFileSync(join(root, from), join(stage, to));
  }
  // The platform packages are optional dependencies of the published package only (npm/README.md).
  const optionalDependencies = { ...manifest.optionalDependencies };
  for (const key of PLATFORMS) optionalDependencies[`@headscale-remote/addon-${key}`] = version;
  // The scripts build and test a checkout; an installed package has nothing to build (and npm 11
  // would list "prepare" among the install scripts it asks the user to allow).
  const published = { ...manifest, files, optionalDependencies };
  delete published.scripts;
  writeJson(join(stage, "package.json"), published);
  say(`staged ${manifest.name}@${version} (${files.join(", ")})`);
  return pack(stage);
}

const addon = args.only === "main" ? null : stageAddon();
const main = args.only === "addon" ? null : stageMain();
console.log(JSON.stringify({ out, main, addon }));
