// Builds the tailnet addon: our Go library over tsnet (native/tailnet) as a C archive into
// native/lib, then the Node-API addon that links it (native/build/Release/hsr_tailnet.node),
// with the node-gyp npm bundles (npm puts it in npm_config_node_gyp) and the running Node's
// own headers, so no download is needed. A failure leaves the helper without `bridge`
// commands, never without the rest, so it is reported and `npm ci` goes on.
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const native = join(dirname(fileURLToPath(import.meta.url)), "..", "native");
const nodedir = dirname(dirname(process.execPath)); // the prefix holding include/node

function run(command, args, env = {}) {
  execFileSync(command, args, { cwd: native, stdio: "inherit", env: { ...process.env, ...env } });
}

try {
  const started = Date.now();
  console.log("building the tailnet library (Go, tsnet; about a minute the first time)…");
  run("go", ["build", "-trimpath", "-buildmode=c-archive", "-o", "lib/libhsr_tailnet.a", "./tailnet"], {
    GOFLAGS: "-mod=mod",
    CGO_ENABLED: "1",
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  writeFileSync(join(native, "lib", "build-seconds.txt"), `${seconds}\n`); // npm run bench prints it
  console.log(`tailnet library built in ${seconds} s`);
  const gyp = process.env.npm_config_node_gyp;
  const [command, prefix] = gyp && existsSync(gyp) ? [process.execPath, [gyp]] : ["node-gyp", []];
  run(command, [...prefix, "rebuild", `--nodedir=${nodedir}`, "--loglevel=warn"]);
  console.log("tailnet addon built: native/build/Release/hsr_tailnet.node");
} catch (error) {
  console.error(`could not build the tailnet addon (${error.message}); bridge commands will say so`);
}
