/**
 * The Tailnet Bridge command, rendered with the @raycast/api stand-in against a real helper
 * whose node joins its real Headscale: here, because adding a mapping starts a tailnet node,
 * which only ever runs inside the loopback-only namespace.
 */
import type { ReactElement } from "react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerAlerts, preferences, recorded, resetRecorded } from "../support/raycast-api.js";
import { removeHome, startTestHelper, type TestHelper } from "../support/fixtures.js";
import { all, byTitle, press, render, waitFor } from "../support/render.js";
import { waitUntil } from "../../testkit/wait.js";
import { startEchoService, type LocalService } from "../../testkit/local-services.js";
import TailnetBridge from "../../src/tailnet-bridge.js";
import MenuBar from "../../src/menu-bar.js";

let t: TestHelper;
let echo: LocalService;
beforeAll(async () => {
  t = await startTestHelper();
  preferences.home = t.home;
  echo = await startEchoService();
});
afterAll(async () => {
  await echo.close();
  await t.close();
  await removeHome(t.home);
});

describe("Tailnet Bridge", () => {
  it("adds a mapping through the form, shows it with the node's address, copies it and removes it", async () => {
    resetRecorded();
    const view = await render(<TailnetBridge />);
    const empty = await waitFor(view, (root) => all(root, "List.EmptyView")[0]);
    expect(empty.props.title).toBe("No tailnet port is bridged");

    const form = await render(byTitle(empty, "Action.Push", "Add Mapping")!.props.target as ReactElement);
    await press(byTitle(form.root, "Action.SubmitForm", "Add Mapping"), { localPort: "80x", tailnetPort: "" });
    expect((await t.client.call("bridge.status")).mappings).toEqual([]); // refused in the form
    await press(byTitle(form.root, "Action.SubmitForm", "Add Mapping"), {
      localPort: String(echo.port),
      tailnetPort: "9100",
    });
    expect(recorded.toasts.at(-1)).toMatchObject({ style: "success", title: "Forwarding tailnet port 9100" });
    form.unmount();

    const ip = await waitUntil(
      async () => {
        const s = await t.client.call("bridge.status");
        return s.state === "Running" && s.ipv4;
      },
      { what: "the bridge's node running with an IPv4 address", timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(ip).toMatch(/^100\.64\./);
    const item = await waitFor(view, (root) => {
      const found = all(root, "List.Item")[0];
      return found?.props.subtitle === `${ip}:9100` && found;
    });
    expect(item.props.title).toBe(`:9100 → 127.0.0.1:${echo.port}`);
    await press(byTitle(item, "Action.CopyToClipboard", "Copy Address"));
    expect(recorded.clipboard).toEqual([`${ip}:9100`]);

    const menu = await render(<MenuBar />);
    const nodeItem = await waitFor(menu, (root) =>
      all(root, "MenuBarExtra.Item").find((i) => String(i.props.title).includes(ip!)),
    );
    expect(nodeItem.props.title).toMatch(/Running/);
    menu.unmount();

    answerAlerts(true);
    await press(byTitle(item, "Action", "Remove Mapping"));
    expect((await t.client.call("bridge.status")).mappings).toEqual([]);
    view.unmount();
  });
});
