/**
 * Finds the Headscale executable: the user's explicit path, the copy downloaded into the home,
 * the project-built one, then PATH and the package managers' folders. Only 0.29.x is used.
 */
import { constants } from "node:fs";
import { access, chmod, stat } from "node:fs/promises";
import { delimiter, join, sep } from "node:path";
import { HEADSCALE_VERSION, supportedVersion } from "./release.js";
import { runHeadscaleCli } from "./run-cli.js";
import { projectRoot } from "../project.js";
import { HelperFailure } from "../util/failure.js";

/** What to do when no usable Headscale is there, in one place for every message. */
export const GET_HEADSCALE = `download ${HEADSCALE_VERSION} with \`headscale-remote headscale download\` (Raycast: Download Headscale), or set headscalePath to a 0.29 binary`;

/** No usable Headscale: clients offer the download (data.needsHeadscale) rather than only the line. */
export class HeadscaleNotFoundError extends HelperFailure {
  constructor(tried: string[]) {
    super("failed", `Headscale was not found (tried ${tried.join(", ") || "nothing"}): ${GET_HEADSCALE}`, {
      data: { needsHeadscale: true },
    });
    this.name = "HeadscaleNotFoundError";
  }
}

/** A Headscale of another series: its API is not the one this helper speaks. */
export class UnsupportedHeadscaleError extends HelperFailure {
  constructor(
    readonly path: string,
    readonly version: string,
  ) {
    super("failed", `${path} is Headscale ${version}, and this helper needs 0.29.x: ${GET_HEADSCALE}`, {
      data: { needsHeadscale: true },
    });
    this.name = "UnsupportedHeadscaleError";
  }
}

const PACKAGE_MANAGER_BINS = ["/opt/homebrew/bin", "/usr/local/bin", "/opt/local/bin"];

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

export async function findHeadscale(
  explicit: string | undefined,
  options: { downloaded?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const env = options.env ?? process.env;
  const candidates: string[] = [];
  if (explicit) {
    // An explicit choice is final: silently falling back would run a binary the user did not pick.
    if (await isFile(explicit)) return explicit;
    throw new HeadscaleNotFoundError([explicit]);
  }
  if (options.downloaded) candidates.push(options.downloaded);
  const root = projectRoot();
  if (root) candidates.push(join(root, ".tools", "bin", "headscale"));
  for (const dir of (env.PATH ?? "").split(delimiter)) if (dir) candidates.push(join(dir, "headscale"));
  // A helper Raycast starts on a Mac sees a minimal PATH: look where Homebrew and MacPorts install.
  for (const dir of PACKAGE_MANAGER_BINS) candidates.push(join(dir, "headscale"));
  const tried = [...new Set(candidates)];
  for (const candidate of tried) {
    if (await isFile(candidate)) return candidate;
  }
  throw new HeadscaleNotFoundError(tried);
}

/**
 * Before each launch. Copying or unpacking can drop the executable bit of the binary we built
 * (.tools/bin): that one gets it back. Anyone else's file is never changed, only refused.
 */
export async function ensureExecutable(path: string): Promise<void> {
  try {
    await access(path, constants.X_OK);
  } catch {
    const root = projectRoot();
    if (!root || !path.startsWith(join(root, ".tools", "bin") + sep)) {
      throw new HeadscaleNotFoundError([`${path} (not executable)`]);
    }
    const { mode } = await stat(path);
    await chmod(path, mode | 0o755);
  }
}

/** "v0.29.3" from `headscale version`, or null when the file does not answer as Headscale does. */
export async function headscaleVersion(binary: string): Promise<string | null> {
  const result = await runHeadscaleCli(binary, ["version"], { timeoutMs: 10_000 }).catch(() => undefined);
  if (!result || result.exitCode !== 0) return null;
  // A build without module information (from a source tree) says "dev".
  return /version (v\S+|dev)\b/.exec(result.stdout)?.[1] ?? /^(v?\d+\.\d+\.\d+\S*)$/m.exec(result.stdout)?.[1] ?? null;
}

/**
 * The binary's version, refused unless 0.29.x. Asked once per file (path, size and change time):
 * it costs a process, and the file can be replaced under the same path.
 */
export async function checkedVersion(binary: string): Promise<string | null> {
  const info = await stat(binary).catch(() => undefined);
  const key = `${binary}\0${info?.size}\0${info?.mtimeMs}`;
  let version = versions.get(key);
  if (version === undefined) {
    version = await headscaleVersion(binary);
    if (version) versions.set(key, version); // no answer (a busy machine, say) is asked again
  }
  // A source build's "dev" cannot be told by its version: it is given the benefit of the doubt.
  if (version && version !== "dev" && !supportedVersion(version)) throw new UnsupportedHeadscaleError(binary, version);
  return version;
}
const versions = new Map<string, string | null>();
