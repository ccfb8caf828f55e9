/**
 * Downloads the official Headscale binary into the home: streamed to a private temporary file,
 * hashed on the way, checked against the pinned SHA-256 and its announced length, made
 * executable, then renamed into place. Anything half-written is removed, never run or kept.
 */
import { createHash } from "node:crypto";
import { randomBytes } from "node:crypto";
import { chmod, lstat, open, rename, rm } from "node:fs/promises";
import { get as httpGet, type IncomingMessage } from "node:http";
import { get as httpsGet } from "node:https";
import { dirname } from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { ensurePrivateDir } from "../home/secure-fs.js";
import { HelperFailure } from "../util/failure.js";
import { HEADSCALE_VERSION, releaseAsset, type ReleaseAsset } from "./release.js";

/** A download that did not give a binary we trust; the message is one line for the user. */
export class DownloadError extends HelperFailure {
  /** `message` says the cause, if any, in its own words (no network, a full disk). */
  constructor(message: string, options?: { cause?: unknown }) {
    super("failed", message, { ...options, causeSaid: true });
    this.name = "DownloadError";
  }
}

export interface DownloadProgress {
  received: number;
  /** From Content-Length; undefined when the server does not say. */
  total?: number;
}

export interface DownloadOptions {
  /** Where the binary goes (HomePaths.downloadedHeadscale). */
  target: string;
  onProgress?: (progress: DownloadProgress) => void;
  /** Tests serve the file themselves: only the base URL and the hash change. */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  arch?: string;
}

const IDLE_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;

/** The asset for this machine, with the test overrides of the environment applied. */
export function assetForThisMachine(options: Pick<DownloadOptions, "env" | "platform" | "arch"> = {}): ReleaseAsset {
  const env = options.env ?? process.env;
  const asset = releaseAsset(options.platform ?? process.platform, options.arch ?? process.arch, {
    baseUrl: env.HEADSCALE_REMOTE_DOWNLOAD_BASE_URL || undefined,
    sha256: env.HEADSCALE_REMOTE_DOWNLOAD_SHA256 || undefined,
  });
  if (!asset) {
    throw new DownloadError(
      `Headscale publishes no binary for ${options.platform ?? process.platform}/${options.arch ?? process.arch}; set headscalePath to one you built`,
    );
  }
  return asset;
}

/** Downloads Headscale into `target`; resolves with its path. */
export async function downloadHeadscale(options: DownloadOptions): Promise<string> {
  const asset = assetForThisMachine(options);
  // A private folder that is really ours (not a link to elsewhere), and a temporary file no one
  // else (another download included) can share: made exclusively under a random name.
  await ensurePrivateDir(dirname(options.target));
  if ((await lstat(dirname(options.target))).isSymbolicLink()) {
    throw new DownloadError(`${dirname(options.target)} is a symbolic link: not downloading into it`);
  }
  const partial = `${options.target}.download-${randomBytes(6).toString("hex")}`;
  let received = 0;
  let total: number | undefined;
  try {
    const response = await get(asset.url, MAX_REDIRECTS);
    total = Number(response.headers["content-length"]) || undefined;
    const hash = createHash("sha256");
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        hash.update(chunk);
        options.onProgress?.({ received, total });
        done(null, chunk);
      },
    });
    response.setTimeout(IDLE_TIMEOUT_MS, () => response.destroy(new Error(`no data for ${IDLE_TIMEOUT_MS / 1000} s`)));
    const file = await open(partial, "wx", 0o600);
    await pipeline(response, meter, file.createWriteStream());
    await syncAndClose(partial);
    if (total !== undefined && received !== total) throw new Error("cut short");
    const digest = hash.digest("hex");
    if (digest !== asset.sha256) {
      throw new DownloadError(
        `the downloaded Headscale ${HEADSCALE_VERSION} (${asset.platform}) has SHA-256 ${digest}, not the pinned ${asset.sha256}: not used`,
      );
    }
    await chmod(partial, 0o755);
    await rename(partial, options.target);
    return options.target;
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof DownloadError) throw error;
    if (total !== undefined && received < total && (error as NodeJS.ErrnoException).code !== "ENOSPC") {
      throw new DownloadError(
        `the download of Headscale ${HEADSCALE_VERSION} stopped at ${received} of ${total} bytes (${reason(error)}); nothing was kept, try again`,
        { cause: error },
      );
    }
    throw new DownloadError(`could not download Headscale ${HEADSCALE_VERSION} from ${asset.url}: ${reason(error)}`, {
      cause: error,
    });
  }
}

/** On disk before it is renamed into place: a crash leaves the old binary or the whole new one. */
async function syncAndClose(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** One GET, following redirects (GitHub sends release assets elsewhere); rejects unless 200. */
function get(url: string, redirectsLeft: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith("https:") ? httpsGet : httpGet)(url, { timeout: IDLE_TIMEOUT_MS }, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location) {
        response.resume();
        if (redirectsLeft === 0) return reject(new Error("too many redirects"));
        return resolve(get(new URL(location, url).toString(), redirectsLeft - 1));
      }
      if (status !== 200) {
        response.resume();
        return reject(new Error(`the server answered ${status}`));
      }
      resolve(response);
    });
    request.on("timeout", () => request.destroy(new Error(`no answer within ${IDLE_TIMEOUT_MS / 1000} s`)));
    request.on("error", reject);
  });
}

/** The cause in words a user can act on. */
function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOSPC") return "the disk is full";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "no network (the name does not resolve)";
  if (code === "ECONNREFUSED" || code === "ENETUNREACH" || code === "EHOSTUNREACH") return `no network (${code})`;
  if (code === "ECONNRESET") return "the connection was cut; try again";
  return (error as Error).message;
}
