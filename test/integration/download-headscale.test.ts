/**
 * Headscale's download, served by a local HTTP server: only the base URL and the expected hash
 * differ from a user's run. Each way it can go wrong is one line, and nothing half-written stays.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFile, readdir, mkdtemp, rm, stat, mkdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadHeadscale, DownloadError } from "../../helper/headscale/download.js";
import { headscaleVersion } from "../../helper/headscale/binary.js";
import { HEADSCALE_VERSION } from "../../helper/headscale/release.js";
import { projectRoot } from "../../helper/project.js";
import { runCli } from "../support/fixtures.js";

const platform = process.platform === "darwin" ? "darwin" : "linux";
const arch = process.arch === "arm64" ? "arm64" : "amd64";
const FILE = `/headscale_${HEADSCALE_VERSION}_${platform}_${arch}`;

let dir: string;
let server: Server;
let base: string;
let body: Buffer;
let sha256: string;
/** How the server answers the next request: whole, cut after half, or through a redirect. */
let mode: "whole" | "cut" | "redirect" = "whole";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hr-dl-"));
  // The real Headscale the project built stands in for the release file: same bytes as a user's would run.
  body = await readFile(join(projectRoot()!, ".tools", "bin", "headscale"));
  sha256 = createHash("sha256").update(body).digest("hex");
  server = createServer((request, response) => {
    if (mode === "redirect" && request.url === FILE) {
      response.writeHead(302, { location: `/moved${FILE}` });
      return response.end();
    }
    if (request.url !== FILE && request.url !== `/moved${FILE}`) {
      response.writeHead(404);
      return response.end();
    }
    response.writeHead(200, { "content-length": body.length });
    if (mode === "cut") {
      response.write(body.subarray(0, body.length >> 1));
      setTimeout(() => response.socket?.destroy(), 50);
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

const env = (over: Record<string, string> = {}) => ({
  HEADSCALE_REMOTE_DOWNLOAD_BASE_URL: base,
  HEADSCALE_REMOTE_DOWNLOAD_SHA256: sha256,
  ...over,
});

async function attempt(target: string, environment: NodeJS.ProcessEnv): Promise<string> {
  return downloadHeadscale({ target, env: environment }).then(
    () => "downloaded",
    (error: Error) => {
      expect(error).toBeInstanceOf(DownloadError);
      return error.message;
    },
  );
}

/** Nothing but what is listed may be in the folder: no partial file. */
async function folder(path: string): Promise<string[]> {
  return (await readdir(path).catch(() => [])).sort();
}

describe("downloading Headscale", () => {
  it("checks the hash, makes it executable and runs it: the real binary answers its version", async () => {
    const target = join(dir, "ok", "headscale");
    const seen: number[] = [];
    await downloadHeadscale({ target, env: env(), onProgress: (p) => seen.push(p.received) });
    expect((await stat(target)).mode & 0o777).toBe(0o755);
    expect(await headscaleVersion(target)).toBe(`v${HEADSCALE_VERSION}`);
    expect(seen.at(-1)).toBe(body.length);
    expect(await folder(join(dir, "ok"))).toEqual(["headscale"]);
  });

  it("follows a redirect, as GitHub's release links do", async () => {
    mode = "redirect";
    try {
      const target = join(dir, "redirect", "headscale");
      expect(await attempt(target, env())).toBe("downloaded");
      expect(await headscaleVersion(target)).toBe(`v${HEADSCALE_VERSION}`);
    } finally {
      mode = "whole";
    }
  });

  it("refuses a wrong hash in one line and keeps nothing", async () => {
    const target = join(dir, "hash", "headscale");
    const message = await attempt(target, env({ HEADSCALE_REMOTE_DOWNLOAD_SHA256: "0".repeat(64) }));
    expect(message).toMatch(new RegExp(`has SHA-256 ${sha256}, not the pinned 0{64}: not used$`));
    expect(message).not.toMatch(/\n/);
    expect(await folder(join(dir, "hash"))).toEqual([]);
  });

  it("a download cut short is one line, and nothing is kept", async () => {
    mode = "cut";
    try {
      const target = join(dir, "cut", "headscale");
      const message = await attempt(target, env());
      expect(message).toMatch(new RegExp(`stopped at \\d+ of ${body.length} bytes .*nothing was kept, try again$`));
      expect(await folder(join(dir, "cut"))).toEqual([]);
    } finally {
      mode = "whole";
    }
  });

  it("no network is one line", async () => {
    const target = join(dir, "offline", "headscale");
    // A port nothing listens on: refused at once, as with no route.
    const message = await attempt(target, env({ HEADSCALE_REMOTE_DOWNLOAD_BASE_URL: "http://127.0.0.1:1" }));
    expect(message).toMatch(/: no network \(ECONNREFUSED\)$/);
    expect(await folder(join(dir, "offline"))).toEqual([]);
  });

  it("a full disk is one line, and nothing is kept", async (context) => {
    if (process.getuid?.() !== 0) return context.skip();
    const small = join(dir, "small");
    await mkdir(small);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", small]);
    try {
      const message = await attempt(join(small, "headscale"), env());
      expect(message).toMatch(/: the disk is full$/);
      expect(await folder(small)).toEqual([]);
    } finally {
      execFileSync("umount", [small]);
    }
  });

  it("then starts in a fresh home from the downloaded copy, which comes before the checkout's build", async () => {
    const home = join(dir, "fresh-home");
    const cliEnv = env();
    const download = await runCli(home, ["headscale", "download"], cliEnv);
    expect(download.exitCode, download.stderr).toBe(0);
    try {
      // `nodes` waits for Headscale to be up (status answers while it starts); then it serves.
      const nodes = await runCli(home, ["--json", "nodes"], cliEnv);
      expect(nodes.exitCode, nodes.stderr).toBe(0);
      const status = JSON.parse((await runCli(home, ["--json", "status"], cliEnv)).stdout);
      expect(status.headscale).toMatchObject({ state: "running", binary: join(home, "bin", "headscale") });
    } finally {
      await runCli(home, ["shutdown"]);
    }
  });

  it("refuses to download into a folder that is not a home of ours", async () => {
    const foreign = join(dir, "foreign");
    await mkdir(foreign);
    await writeFile(join(foreign, "notes.txt"), "mine");
    const download = await runCli(foreign, ["headscale", "download"], env());
    expect(download.exitCode).not.toBe(0);
    expect(download.stderr).toMatch(/is not empty and holds no settings\.json/);
    expect(await folder(foreign)).toEqual(["notes.txt"]);
  });
});
