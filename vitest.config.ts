import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // @raycast/api has no runtime outside Raycast: the one stand-in the tests use.
    alias: { "@raycast/api": fileURLToPath(new URL("./test/support/raycast-api.tsx", import.meta.url)) },
  },
  test: {
    // The end-to-end suite runs a tailnet, so only inside a loopback-only namespace (npm run test:e2e);
    // the real-topology suite builds its own namespaces, as root (npm run test:topology).
    include: process.env.HSR_E2E
      ? ["test/e2e/**/*.test.ts", "test/e2e/**/*.test.tsx"]
      : process.env.HSR_TOPOLOGY
        ? ["test/topology/**/*.test.ts"]
        : ["test/**/*.test.ts", "test/**/*.test.tsx"],
    exclude:
      process.env.HSR_E2E || process.env.HSR_TOPOLOGY ? [] : ["test/e2e/**", "test/topology/**", "**/node_modules/**"],
    globalSetup: ["test/support/global-setup.ts"],
    // Fails any test after which a key turned up in an error message, a CLI's stderr or the logs.
    setupFiles: ["test/support/secret-watch-setup.ts"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
    // @raycast/utils imports @raycast/api itself; inlining it lets the alias reach it.
    server: { deps: { inline: ["@raycast/utils"] } },
    // Integration suites each run a real Headscale; two at a time suits a 2-core machine.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
