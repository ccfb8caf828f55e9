/**
 * For the whole run: samples every process's argv for keys (a finding fails the run at the
 * end), and with HSR_TEST_DATABASE=postgres starts one PostgreSQL server, which workers find
 * through the environment.
 */
import { startPostgres } from "./postgres.js";
import { keysInArgv } from "./secret-watch.js";

/** Often enough to catch short-lived children such as `headscale apikeys create`. */
const ARGV_SAMPLE_MS = 50;

function watchArgv(): () => string[] {
  const found = new Set<string>();
  let stopped = false;
  void (async () => {
    while (!stopped) {
      for (const leak of await keysInArgv()) found.add(leak);
      await new Promise((resolve) => setTimeout(resolve, ARGV_SAMPLE_MS));
    }
  })();
  return () => ((stopped = true), [...found]);
}

export default async function setup(): Promise<() => Promise<void>> {
  const stopWatching = watchArgv();
  let stopPostgres = async () => {};
  if (process.env.HSR_TEST_DATABASE === "postgres") {
    const { server, stop } = await startPostgres();
    process.env.HSR_TEST_PG = JSON.stringify(server);
    stopPostgres = stop;
    console.log(`PostgreSQL for the integration suite on ${server.host}:${server.port}`);
  }
  return async () => {
    await stopPostgres();
    const leaks = stopWatching();
    if (leaks.length) {
      // Vitest reports an error thrown here but still exits 0: set the exit code ourselves.
      process.exitCode = 1;
      throw new Error(`a key was seen on a command line during the run:\n${leaks.join("\n")}`);
    }
    console.log("secret watch: no key seen on any command line during the run");
  };
}
