/**
 * The helper process's own entry, bundled into assets/helper.mjs: `[--home DIR] [--no-start]`,
 * nothing else. It is not the CLI, whose command tree and formatting a helper idling for hours
 * would hold for nothing (about 9 MiB); `headscale-remote helper` runs the same helper.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { resolveHome } from "../home/paths.js";
import { failureMessage } from "../home/storage-errors.js";
import { runHelper } from "./run-helper.js";

function fail(error: unknown, exitCode: number): never {
  const message = failureMessage(error);
  console.error(`headscale-remote helper: ${message}`);
  process.exit(exitCode);
}

let home: string;
let start: boolean;
try {
  const { values } = parseArgs({
    options: { home: { type: "string" }, "no-start": { type: "boolean", default: false } },
    strict: true,
    allowPositionals: false,
  });
  home = resolveHome(values.home);
  start = !values["no-start"];
} catch (error) {
  fail(error, 2); // a usage mistake, as the CLI's exit codes say
}
await runHelper({ home, start, entry: fileURLToPath(import.meta.url) }).catch((error: unknown) => fail(error, 1));
