/**
 * Which build of the helper a file is: the first 12 hex digits of the SHA-256 of its entry file.
 *
 * Why a hash of the file rather than the version or a stamp: the version does not change between
 * dev builds; a stamp needs a build step to write it and differs for two identical builds. The
 * bundle is the whole helper in one file (see helperEntry), so its bytes are its code: identical
 * bytes wherever they are installed (Raycast's assets, npm's folder) are one build, and any rebuild
 * that changes code is another. Only a helper run from dist/ (a bundle older than tsc's output)
 * is judged by its entry module alone, a checkout's case.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";

export async function buildOf(entry: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(entry))
    .digest("hex")
    .slice(0, 12);
}
