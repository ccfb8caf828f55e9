// tsc writes dist/helper/cli/main.js 0644, and npm linked the `headscale-remote` bin before it
// existed, so it could not mark it: without this, `npx headscale-remote` in a fresh clone is
// "Permission denied".
import { chmodSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

chmodSync(join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "helper", "cli", "main.js"), 0o755);
