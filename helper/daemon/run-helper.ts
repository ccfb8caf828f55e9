/**
 * The helper as a foreground program: what `node assets/helper.mjs` and `headscale-remote helper`
 * run. It serves until a client asks it to shut down or a signal stops it, and says where it is.
 */
import { resolve } from "node:path";
import { buildOf } from "../client/build.js";
import { helperEntry, helperVersion } from "../project.js";
import { startDaemon } from "./daemon.js";

/**
 * `entry`: the file this helper runs as, whose build it answers as. `headscale-remote helper` gives
 * none: it answers as the entry its CLI would start, so its own CLI never takes it for a stale one.
 */
export async function runHelper({
  home,
  start,
  entry,
}: {
  home: string;
  start: boolean;
  entry?: string;
}): Promise<void> {
  // Read now: an update may replace the file while this process keeps running the old code.
  const file = resolve(entry ?? helperEntry());
  const build = await buildOf(file).catch(() => null);
  const daemon = await startDaemon({
    home,
    autoStart: start ? undefined : false,
    onShutdown: () => process.exit(0),
    build,
    entry: file,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // SIGHUP: the terminal has gone, and writing to it could fail.
    if (signal !== "SIGHUP") console.error(`${signal}: stopping Headscale and the helper…`);
    daemon.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, () => stop(signal));
  console.log(`Headscale Remote helper ${helperVersion()}${build ? ` build ${build}` : ""} (pid ${process.pid})`);
  console.log(`home    ${home}`);
  console.log(`socket  ${daemon.paths.helperSocket}`);
  await daemon.autoStarted;
  const hs = daemon.supervisor;
  console.log(`Headscale ${hs.state}${hs.pid ? ` (pid ${hs.pid})` : ""}${hs.lastError ? `: ${hs.lastError}` : ""}`);
  console.log(`server  ${daemon.serverUrl()}`);
  // Not npx: in a checkout it installs the checkout into npm's cache and builds it again.
  console.log(
    '\nNext, in another terminal (in a checkout, first: alias headscale-remote="node $PWD/dist/helper/cli/main.js"):',
  );
  console.log("  headscale-remote status                     what is running, and where");
  console.log("  headscale-remote keys mint --device-id ID   a key for a new device, with its `tailscale up` line");
  console.log("  headscale-remote nodes                      the tailnet's devices");
  console.log("  headscale-remote logs -f                    follow Headscale's log");
  console.log("  headscale-remote bridge up --local-port N   reach a service on this computer from the tailnet");
  console.log("  headscale-remote shutdown                   stop Headscale and the helper");
  console.log("Ctrl-C stops Headscale and the helper.");
}
