/** Start Headscale from Raycast with no helper running: the command starts one, detached, then Headscale. */
import { afterAll, describe, expect, it } from "vitest";
import { HelperClient } from "../../helper/client/helper-client.js";
import { helperSocketPath } from "../../helper/client/launch.js";
import { isAlive } from "../../helper/os/process-info.js";
import StartHeadscale from "../../src/start-headscale.js";
import StopHeadscale from "../../src/stop-headscale.js";
import { preferences, recorded } from "../support/raycast-api.js";
import { removeHome, shutDownHelper, tempHome } from "../support/fixtures.js";

let home: string;
afterAll(async () => {
  await shutDownHelper(home);
  await removeHome(home);
});

describe("Start and Stop Headscale commands", () => {
  it("start a detached helper (bundled in assets/) and Headscale, report with a HUD, refresh the menu bar", async () => {
    home = await tempHome();
    preferences.home = home;
    await StartHeadscale();
    expect(recorded.huds).toEqual([expect.stringMatching(/^Headscale is running/)]);
    expect(recorded.launches).toContainEqual({ name: "menu-bar", type: "background" });

    const client = await HelperClient.connect(helperSocketPath(home));
    const status = await client.call("status");
    client.close();
    expect(status.headscale.state).toBe("running");
    expect(status.helper.pid).not.toBe(process.pid); // detached: it outlives the command
    expect(isAlive(status.helper.pid)).toBe(true);

    await StopHeadscale();
    expect(recorded.huds.at(-1)).toBe("Headscale stopped");
    expect(isAlive(status.headscale.pid!)).toBe(false);
  });
});
