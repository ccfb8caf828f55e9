/**
 * File-system failures the user fixes on their side (a full disk, a read-only or foreign folder),
 * said in one line that names the file, instead of Node's "EROFS: read-only file system, open …".
 */

const WHY: Record<string, string> = {
  ENOSPC: "cannot be written: no space left on the disk",
  EDQUOT: "cannot be written: the disk quota is used up",
  EROFS: "cannot be written: it is on a read-only file system",
  EACCES: "cannot be used: permission denied",
  EPERM: "cannot be used: operation not permitted",
  EIO: "cannot be used: the disk reports an input/output error",
  EISDIR: "cannot be used: a folder is in its place",
  ELOOP: "cannot be used: it is a symbolic link that leads back to itself",
};

/**
 * One line for a storage failure, or undefined for any other error, including one that names no
 * file (an EPERM from signalling a process is not about the disk).
 */
export function storageProblem(error: unknown): string | undefined {
  const { code, path } = (error ?? {}) as NodeJS.ErrnoException;
  const why = code === undefined ? undefined : WHY[code];
  return why && path ? `${path} ${why}` : undefined;
}

/**
 * Why a failure happened, for a message that names the file itself: a storage failure's reason
 * without its path ("permission denied"), else the failure's own line.
 */
export function reasonOf(error: unknown): string {
  const { code } = (error ?? {}) as NodeJS.ErrnoException;
  const why = code === undefined ? undefined : WHY[code];
  return why ? why.replace(/^.*?: /, "") : failureMessage(error);
}

/**
 * What a failure says to a person, in one line: the storage line when it is one, else its own
 * message. A HelperFailure's message already says its cause after its own words, by this same
 * function (util/failure.ts), so a chain of causes reads "what failed: why: why underneath".
 */
export function failureMessage(error: unknown): string {
  return storageProblem(error) ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Headscale's own database reporting that it cannot write (SQLite's and PostgreSQL's wording): the
 * request was fine, the storage is not.
 */
export const isStorageRefusal = (reason: string): boolean =>
  /disk is full|no space left|read-?only (file system|database)|attempt to write a readonly|disk I\/O error|could not extend file|quota exceeded/i.test(
    reason,
  );
