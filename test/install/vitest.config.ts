// `npm run test:install`: the install from tarballs (from-tarballs.install.ts), on its own. It packs,
// installs from npm's registry and cache, and runs a tailnet in a loopback-only namespace of its own,
// as root; the plain `vitest run` (test/**/*.test.ts) does not pick it up.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["test/install/**/*.install.ts"],
    // Samples every process's argv for keys during the run, as the other suites do.
    globalSetup: ["test/support/global-setup.ts"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
    pool: "forks",
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
