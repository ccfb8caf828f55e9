/** Finds the Headscale executable: the user's explicit path, the project-built one, then PATH. */
import { constants } from "node:fs";
import { access, chmod, readFile, stat } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export class HeadscaleNotFoundError extends Error {
  constructor(tried: string[]) {
    super(
      `Headscale was not found (tried ${tried.join(", ") || "nothing"}). ` +
        "Run `npm run build:headscale`, or set headscalePath with `headscale-remote config set`.",
    );
    this.name = "HeadscaleNotFoundError";
  }
}

let root: Promise<string | undefined> | undefined;

/** The folder holding our package.json, found once by walking up from this module (src or dist). */
export function projectRoot(): Promise<string | undefined> {
  root ??= (async () => {
    for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
      const manifest = await readFile(join(dir, "package.json"), "utf8").catch(() => undefined);
      if (manifest && JSON.parse(manifest).name === "headscale-remote") return dir;
      if (dirname(dir) === dir) return undefined;
    }
  })();
  return root;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

export async function findHeadscale(explicit: string | undefined, env = process.env): Promise<string> {
  const candidates: string[] = [];
  if (explicit) {
    // An explicit choice is final: silently falling back would run a binary the user did not pick.
    if (await isFile(explicit)) return explicit;
    throw new HeadscaleNotFoundError([explicit]);
  }
  const root = await projectRoot();
  if (root) candidates.push(join(root, ".tools", "bin", "headscale"));
  for (const dir of (env.PATH ?? "").split(delimiter)) if (dir) candidates.push(join(dir, "headscale"));
  for (const candidate of candidates) {
    if (await isFile(candidate)) return candidate;
  }
  throw new HeadscaleNotFoundError(candidates.slice(0, 3));
}

/** Copying, unpacking or code signing can drop the executable bit; put it back before each launch. */
export async function ensureExecutable(path: string): Promise<void> {
  try {
    await access(path, constants.X_OK);
  } catch {
    const { mode } = await stat(path);
    await chmod(path, mode | 0o755);
  }
}
