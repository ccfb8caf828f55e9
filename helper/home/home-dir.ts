/**
 * The home folder itself. A new one is made 0700; an existing one is used as it is, never
 * re-moded (it may be someone's shared folder), and only if it is ours: empty, or holding our
 * settings.json.
 */
import { chmod, readdir, readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { HomePathError, sqliteHomeProblem, type HomePaths } from "./paths.js";
import { DIR_MODE, SECRET_MODE, makeDir } from "./secure-fs.js";
import { HelperFailure } from "../util/failure.js";

/** A folder the helper must not take as its home: a usage mistake (--home), said before anything is written. */
export class NotOurHomeError extends HelperFailure {
  constructor(message: string) {
    super("bad-input", message);
    this.name = "NotOurHomeError";
  }
}

/** Throws NotOurHomeError for a folder we must not use; true when the home already exists. Changes nothing. */
export async function checkHome(paths: HomePaths): Promise<boolean> {
  const info = await stat(paths.home).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (!info) {
    await checkDatabasePath(paths);
    return false;
  }
  if (!info.isDirectory()) throw new NotOurHomeError(`${paths.home} is not a folder`);
  const entries = await readdir(paths.home);
  // settings.json, or the folders a first run makes before it (a run killed in between).
  // (bin/ holds the Headscale `headscale download` fetched, possibly before the first start.)
  const ours = [basename(paths.settings), "state", "secrets", "logs", "bin"];
  if (entries.length > 0 && !entries.some((entry) => ours.includes(entry))) {
    throw new NotOurHomeError(
      `${paths.home} is not empty and holds no settings.json, so it is not a Headscale Remote home; ` +
        "choose a new or empty folder",
    );
  }
  await checkDatabasePath(paths);
  return true;
}

/** A home whose path SQLite would misread is refused before anything is written, unless it uses PostgreSQL. */
async function checkDatabasePath(paths: HomePaths): Promise<void> {
  const problem = sqliteHomeProblem(paths.home);
  if (!problem) return;
  let type: string | undefined;
  try {
    type = (JSON.parse(await readFile(paths.settings, "utf8")) as { database?: { type?: string } }).database?.type;
  } catch {
    // No settings yet (SQLite, the default), or unreadable ones: loadSettings says what is wrong with them.
  }
  if (type !== "postgres") throw new HomePathError(problem);
}

export async function ensureHome(paths: HomePaths): Promise<void> {
  if (!(await checkHome(paths))) {
    await makeDir(paths.home);
    await chmod(paths.home, DIR_MODE); // mkdir's mode is masked by the umask
    return;
  }
  // Files an older version (or Headscale under a looser umask) left readable to others.
  for (const file of [paths.database, `${paths.database}-wal`, `${paths.database}-shm`]) {
    await chmod(file, SECRET_MODE).catch(() => {});
  }
}
