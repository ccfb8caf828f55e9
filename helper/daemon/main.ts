/**
 * The helper process's own entry, bundled into assets/helper.mjs: `[--home DIR] [--no-start]`,
 * nothing else. It is not the CLI, whose command tree and formatting a helper idling for hours
 * would hold for nothing (about 9 MiB); `headscale-remote helper` runs the same helper.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { resolveHome } from "../home/paths.js";
import { failureMessage } from "../util/storage-errors.js";
import { EXIT, KIND_EXIT } from "../util/exit-codes.js";
import { kindOf } from "../util/failure.js";
import { runHelper } from "./run-helper.js";

/** Ends as the CLI does: one line, and the exit code of the failure's kind. */
function fail(error: unknown, exitCode = KIND_EXIT[kindOf(error) ?? "failed"]): never {
  console.error(`headscale-remote helper: ${failureMessage(error)}`);
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
  fail(error, EXIT.badInput); // a usage mistake
}
await runHelper({ home, start, entry: fileURLToPath(import.meta.url) }).catch((error: unknown) => fail(error));
