/**
 * A store user with no usable Headscale: Start Headscale fails with the helper's one line and
 * offers the download, which fetches the binary (from a local server standing in for GitHub:
 * only the base URL and the hash differ) into the home, with progress in the toast.
 */
import { createHash } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { homePaths } from "../../helper/home/paths.js";
import { freeTcpPort, freeUdpPort } from "../../helper/os/ports.js";
import { projectRoot } from "../../helper/project.js";
import StartHeadscale from "../../src/start-headscale.js";
import { progressText } from "../../src/lib/download-headscale.js";
import { preferences, recorded, resetStandIn } from "../support/raycast-api.js";
import { removeHome, shutDownHelper, tempHome } from "../support/fixtures.js";

let home: string;
let server: Server;
let body: Buffer;

beforeAll(async () => {
  resetStandIn();
  body = await readFile(join(projectRoot()!, ".tools", "bin", "headscale"));
  server = createServer((_request, response) => {
    response.writeHead(200, { "content-length": body.length });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.HEADSCALE_REMOTE_DOWNLOAD_BASE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.HEADSCALE_REMOTE_DOWNLOAD_SHA256 = createHash("sha256").update(body).digest("hex");
});

afterAll(async () => {
  delete process.env.HEADSCALE_REMOTE_DOWNLOAD_BASE_URL;
  delete process.env.HEADSCALE_REMOTE_DOWNLOAD_SHA256;
  server.close();
  await shutDownHelper(home);
  await removeHome(home);
});

describe("Download Headscale", () => {
  it("reads progress as a person would", () => {
    expect(progressText({ received: 37 * 1048576, total: 100 * 1048576 })).toBe("37% of 100.0 MiB");
    expect(progressText({ received: 1572864 })).toBe("1.5 MiB");
  });

  it("is offered when Start Headscale finds no usable Headscale, and puts the checked binary in the home", async () => {
    home = await tempHome();
    preferences.home = home;
    // A home whose settings name a Headscale that is gone (a store user's has none at all; a
    // checkout always finds its own build, so the settings stand in for "nothing found").
    const paths = homePaths(home, tmpdir());
    await writeFile(
      paths.settings,
      JSON.stringify({
        listenAddr: `127.0.0.1:${await freeTcpPort()}`,
        grpcListenAddr: `127.0.0.1:${await freeTcpPort()}`,
        stunListenAddr: `127.0.0.1:${await freeUdpPort()}`,
        headscalePath: join(home, "no-such-headscale"),
      }),
      { mode: 0o600 },
    );
    await StartHeadscale();
    const failure = recorded.toasts.find((toast) => toast.style === "failure")!;
    expect(failure.title).toBe("Could not start Headscale");
    expect(failure.message).toMatch(
      /Headscale was not found .*download 0\.29\.3 with `headscale-remote headscale download`/,
    );
    expect(failure.primaryAction?.title).toBe("Download Headscale 0.29.3");
    expect(failure.secondaryAction?.title).toBe("Open Extension Preferences");

    await failure.primaryAction!.onAction();
    const target = paths.downloadedHeadscale;
    expect(
      createHash("sha256")
        .update(await readFile(target))
        .digest("hex"),
    ).toBe(process.env.HEADSCALE_REMOTE_DOWNLOAD_SHA256);
    expect((await stat(target)).mode & 0o777).toBe(0o755);
    expect(recorded.toasts).toContainEqual(
      expect.objectContaining({ style: "success", title: "Headscale 0.29.3 downloaded" }),
    );
  });
});
