/**
 * Raycast and `npm install -g headscale-remote`: the extension starts the installed helper (it
 * brings the prebuilt bridge) rather than its bundled copy, and where the helper has no bridge,
 * Tailnet Bridge offers the one command that brings it.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { HelperClient } from "../../helper/client/helper-client.js";
import { helperSocketPath } from "../../helper/client/launch.js";
import { homePaths } from "../../helper/home/paths.js";
import { freeTcpPort, freeUdpPort } from "../../helper/os/ports.js";
import { projectRoot } from "../../helper/project.js";
import StartHeadscale from "../../src/start-headscale.js";
import TailnetBridge from "../../src/tailnet-bridge.js";
import { all, render, waitFor } from "../support/render.js";
import { headscaleBinary, removeHome, shutDownHelper, tempHome } from "../support/fixtures.js";
import { preferences, resetStandIn } from "../support/raycast-api.js";

const homes: string[] = [];
const saved = { prefix: process.env.npm_config_prefix, addon: process.env.HEADSCALE_REMOTE_TAILNET_ADDON };

afterEach(() => {
  for (const [key, value] of [
    ["npm_config_prefix", saved.prefix],
    ["HEADSCALE_REMOTE_TAILNET_ADDON", saved.addon],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});
afterAll(async () => {
  for (const home of homes) {
    await shutDownHelper(home);
    await removeHome(home);
  }
});

describe("Raycast with an npm-installed helper", () => {
  it("starts the installed helper, not its bundled copy", async () => {
    resetStandIn();
    const prefix = await mkdtemp(join(tmpdir(), "hr-prefix-"));
    const installed = join(prefix, "lib", "node_modules", "headscale-remote");
    await mkdir(join(installed, "assets"), { recursive: true });
    await copyFile(join(projectRoot()!, "assets", "helper.mjs"), join(installed, "assets", "helper.mjs"));
    await writeFile(join(installed, "package.json"), await readFile(join(projectRoot()!, "package.json")));
    process.env.npm_config_prefix = prefix;
    const home = await tempHome();
    homes.push(home);
    preferences.home = home;
    // The installed copy has no checkout beside it: its settings name the Headscale to run.
    await writeFile(
      homePaths(home, tmpdir()).settings,
      JSON.stringify({
        listenAddr: `127.0.0.1:${await freeTcpPort()}`,
        grpcListenAddr: `127.0.0.1:${await freeTcpPort()}`,
        stunListenAddr: `127.0.0.1:${await freeUdpPort()}`,
        headscalePath: await headscaleBinary(),
      }),
    );
    await StartHeadscale();
    const client = await HelperClient.connect(helperSocketPath(home));
    const status = await client.call("status");
    client.close();
    expect(status.headscale.state).toBe("running");
    const commandLine = (await readFile(`/proc/${status.helper.pid}/cmdline`, "utf8")).split("\0");
    expect(commandLine).toContain(join(installed, "assets", "helper.mjs"));
    await shutDownHelper(home);
    await rm(prefix, { recursive: true, force: true });
  });

  it("Tailnet Bridge offers the install command when the helper has no bridge", async () => {
    resetStandIn();
    process.env.HEADSCALE_REMOTE_TAILNET_ADDON = "/nonexistent/hsr_tailnet.node"; // the helper inherits it
    const home = await tempHome();
    homes.push(home);
    preferences.home = home;
    await StartHeadscale();
    const view = await render(<TailnetBridge />);
    const empty = await waitFor(view, (root) =>
      all(root, "List.EmptyView").find((node) => node.props.title === "The bridge is not available"),
    );
    expect(empty.props.description).toMatch(/needs the native addon/);
    const copy = empty.findAll((node) => node.props.title === "Copy Install Command");
    expect(copy[0]?.props.content).toBe("npm install -g headscale-remote");
    view.unmount();
  });
});
