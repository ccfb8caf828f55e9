/**
 * The helper of an `npm install -g headscale-remote`, when there is one: Raycast starts that one
 * rather than its own bundled copy, since only the installed package brings the prebuilt tailnet
 * addon. Looked for under the usual global prefixes, as Raycast's minimal PATH finds no `npm`.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const ENTRY = ["lib", "node_modules", "headscale-remote", "assets", "helper.mjs"];

/** The global prefixes npm uses on macOS and Linux, most specific first. */
export function globalPrefixes(userHome: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const nvm = join(env.NVM_DIR ?? join(userHome, ".nvm"), "versions", "node");
  const nvmPrefixes = existsSync(nvm)
    ? readdirSync(nvm)
        .sort()
        .reverse()
        .map((version) => join(nvm, version))
    : [];
  return [
    ...(env.npm_config_prefix ? [env.npm_config_prefix] : []),
    join(userHome, ".npm-global"),
    ...nvmPrefixes,
    "/opt/homebrew",
    "/usr/local",
    "/usr",
  ];
}

/** The installed helper's entry file, or undefined when headscale-remote is not installed globally. */
export function findInstalledHelper(userHome: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return globalPrefixes(userHome, env)
    .map((prefix) => join(prefix, ...ENTRY))
    .find((entry) => existsSync(entry));
}
