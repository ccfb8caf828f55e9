/**
 * The Raycast commands rendered with the @raycast/api stand-in, against a real helper and a
 * real Headscale: what a person sees, and what the actions ask the helper to do.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
// The stand-in that vitest aliases @raycast/api to: the same module instance the commands use.
import { answerAlerts, Cache, preferences, recorded, resetRecorded } from "../support/raycast-api.js";
import { createFakeNodes, removeHome, startTestHelper, type TestHelper } from "../support/fixtures.js";
import { withHelperDown } from "./view-helper.js";
import { all, byTitle, press, render, waitFor } from "../support/render.js";
import ListNodes from "../../src/list-nodes.js";
import HeadscaleStatus from "../../src/headscale-status.js";
import MenuBar from "../../src/menu-bar.js";
import MintClientKey from "../../src/mint-client-key.js";
import HeadscaleLogs from "../../src/headscale-logs.js";
import { qrCodeDataUri } from "../../src/lib/qr-code.js";
import type { ReactElement } from "react";
import type { ReactTestInstance } from "react-test-renderer";
import type { Node } from "../../helper/protocol/types.js";
import { waitUntil } from "../../testkit/wait.js";

let t: TestHelper;
/** Registers fake nodes for dana directly in Headscale (as a device would, not through the helper). */
let addNodes: (count: number, firstIndex: number) => Promise<void>;
/** Node counts refresh in the background (every 10 s, and after changes made through the helper). */
const countsSettle = () =>
  waitUntil(
    async () => (await t.client.call("status")).headscale.nodes?.total === (await t.client.call("nodes.list")).length,
    { what: "the helper's node counts to match Headscale's nodes", timeoutMs: 60_000, intervalMs: 200 },
  );
beforeAll(async () => {
  t = await startTestHelper();
  preferences.home = t.home;
  await t.client.call("users.create", { name: "dana" });
  addNodes = (count, firstIndex) => createFakeNodes(t.helper.paths.headscaleSocket, "dana", count, count, firstIndex);
  await addNodes(3, 0);
  await waitUntil(async () => (await t.client.call("status")).headscale.nodes?.total === 3, {
    what: "the helper to count the 3 new nodes",
    timeoutMs: 60_000,
    intervalMs: 200,
  });
});
afterAll(async () => {
  await t.close();
  await removeHome(t.home);
});
beforeEach(() => {
  resetRecorded();
  Cache.clearAll();
});

describe("List Nodes", () => {
  it("shows every node with its user and IPv4, and copies an IP", async () => {
    const view = await render(<ListNodes />);
    const items = await waitFor(view, (root) => {
      const found = all(root, "List.Item");
      return found.length === 3 && found;
    });
    for (const item of items) {
      expect(item.props.subtitle).toBe("dana");
      expect(item.props.accessories[0].text).toMatch(/^100\.64\.\d+\.\d+$/);
    }
    const ip = items[0]!.props.accessories[0].text;
    await press(byTitle(items[0]!, "Action.CopyToClipboard", "Copy IPv4 Address"));
    expect(recorded.clipboard).toEqual([ip]);
    view.unmount();
  });

  it("renames a node through the form, in Headscale itself", async () => {
    const view = await render(<ListNodes />);
    const item = await waitFor(view, (root) => all(root, "List.Item")[0]);
    const id = (await t.client.call("nodes.list")).find((n) => n.givenName === item.props.title)!.id;
    const rename = byTitle(item, "Action.Push", "Rename Node")!;
    const form = await render(rename.props.target as ReactElement);
    await press(byTitle(form.root, "Action.SubmitForm", "Rename Node"), { name: "attic-pi" });
    const nodes = await t.client.call("nodes.list");
    expect(nodes.find((n) => n.id === id)?.givenName).toBe("attic-pi");
    expect(recorded.toasts.at(-1)).toMatchObject({ style: "success", title: "Renamed to attic-pi" });
    view.unmount();
    form.unmount();
  });

  it("asks before deleting, and does nothing when told no", async () => {
    const before = await t.client.call("nodes.list");
    const view = await render(<ListNodes />);
    const item = await waitFor(view, (root) => all(root, "List.Item")[0]);
    answerAlerts(false);
    await press(byTitle(item, "Action", "Delete Node"));
    expect(recorded.alerts).toHaveLength(1);
    expect(await t.client.call("nodes.list")).toHaveLength(before.length);
    answerAlerts(true);
    view.unmount();
  });

  it("expires and deletes a node when told yes, in Headscale itself", async () => {
    // Two nodes of its own, removed again at the end: the other tests count on dana's three.
    const others = new Set((await t.client.call("nodes.list")).map((n) => n.id));
    await addNodes(2, 100);
    const mine = (await t.client.call("nodes.list")).filter((n) => !others.has(n.id));
    expect(mine).toHaveLength(2);
    const [toExpire, toDelete] = mine as [Node, Node];
    const view = await render(<ListNodes />);
    try {
      answerAlerts(true);
      const item = (root: ReactTestInstance, node: Node) => byTitle(root, "List.Item", node.givenName);

      await press(byTitle(await waitFor(view, (root) => item(root, toExpire)), "Action", "Expire Node"));
      expect(recorded.alerts).toEqual([`Expire ${toExpire.givenName}?`]);
      expect(recorded.toasts.at(-1)).toMatchObject({ style: "success", title: `Expired ${toExpire.givenName}` });
      const afterExpire = await t.client.call("nodes.list");
      const expired = afterExpire.find((n) => n.id === toExpire.id);
      expect(expired?.expiry, "an expired node has an expiry").toBeTruthy();
      expect(Date.parse(expired!.expiry!)).toBeLessThanOrEqual(Date.now());
      // Only that node: the other one's expiry is as it was.
      expect(afterExpire.find((n) => n.id === toDelete.id)?.expiry).toBe(toDelete.expiry);

      await press(byTitle(await waitFor(view, (root) => item(root, toDelete)), "Action", "Delete Node"));
      expect(recorded.alerts).toEqual([`Expire ${toExpire.givenName}?`, `Delete ${toDelete.givenName}?`]);
      expect(recorded.toasts.at(-1)).toMatchObject({ style: "success", title: `Deleted ${toDelete.givenName}` });
      const ids = (await t.client.call("nodes.list")).map((n) => n.id);
      expect(ids).not.toContain(toDelete.id);
      expect(ids).toContain(toExpire.id);
      // The list reloads after the change: the deleted node goes, the expired one stays.
      await waitFor(view, (root) => !item(root, toDelete) && item(root, toExpire));
    } finally {
      view.unmount();
      const left = (await t.client.call("nodes.list")).filter((n) => !others.has(n.id));
      for (const node of left) await t.client.call("nodes.delete", { id: node.id });
      await countsSettle();
    }
  });
});

describe("Headscale Status", () => {
  it("shows the state, server URL and version, with a copy action", async () => {
    const { headscale } = await t.client.call("status");
    const view = await render(<HeadscaleStatus />);
    const state = await waitFor(view, (root) => byTitle(root, "List.Item", "State"));
    expect(state.props.accessories[0].text).toBe("running");
    expect(byTitle(view.root, "List.Item", "Server URL")!.props.accessories[0].text).toBe(headscale.serverUrl);
    await press(byTitle(state, "Action.CopyToClipboard", "Copy Server URL"));
    expect(recorded.clipboard).toEqual([headscale.serverUrl]);
    view.unmount();
  });

  it("shows whether devices can reach the server: the summary first, then each check with its detail", async () => {
    const reachability = await t.client.call("server.reachability");
    const view = await render(<HeadscaleStatus />);
    const summary = await waitFor(view, (root) => byTitle(root, "List.Item", reachability.summary));
    const section = all(view.root, "List.Section").find((s) => s.props.title === "Reachability")!;
    const items = all(section, "List.Item");
    expect(items[0]).toBe(summary);
    const subtitle = (title: string) => byTitle(section, "List.Item", title)?.props.subtitle;
    expect(subtitle("Devices Use")).toBe(`${reachability.serverUrl} (This Computer Only)`);
    expect(subtitle("Name Resolves Here")).toBe(reachability.resolves.detail);
    expect(subtitle("/health Through the URL")).toBe(reachability.health.detail);
    expect(subtitle("Certificate")).toBe(reachability.certificateCheck.detail); // plain HTTP: no certificate
    expect(subtitle("Relay Usable")).toBe(reachability.relay.detail);
    // A loopback server answers its own /health.
    expect(reachability.health.ok).toBe(true);
    expect(byTitle(section, "List.Item", "/health Through the URL")!.props.icon.tintColor).toBe("Green");

    // The whole report, unabridged, and the way to change it.
    const report = await render(byTitle(summary, "Action.Push", "Show Reachability Report")!.props.target);
    const markdown = all(report.root, "Detail")[0]!.props.markdown as string;
    expect(markdown.split("\n")[0]).toBe(`## ${reachability.summary}`);
    expect(markdown).toContain(reachability.health.detail);
    await press(byTitle(summary, "Action", "Open Server Settings"));
    expect(recorded.launches).toEqual([{ name: "server-settings", type: "userInitiated" }]);
    for (const r of [view, report]) r.unmount();
  });

  it("says plainly when the helper is not running, with an action that starts it", async () => {
    await withHelperDown(t, async () => {
      const view = await render(<HeadscaleStatus />);
      const empty = await waitFor(view, (root) => all(root, "List.EmptyView")[0]);
      expect(empty.props.title).toBe("The Headscale Remote helper is not running");
      const texts = view.root.findAll((node) => typeof node.props.title === "string").map((node) => node.props.title);
      expect(texts.join(" ")).not.toMatch(/ECONNREFUSED|ENOENT/);
      expect(byTitle(empty, "Action", "Start Helper and Headscale")).toBeDefined();
      view.unmount();
    });
  });
});

describe("Menu bar", () => {
  it("shows online/total and each node; clicking a node copies its IP", async () => {
    const view = await render(<MenuBar />);
    const bar = await waitFor(view, (root) => {
      const extra = all(root, "MenuBarExtra")[0];
      return (
        extra?.props.title &&
        all(root, "MenuBarExtra.Item").some((i) => /^100\.64\./.test(i.props.subtitle ?? "")) &&
        extra
      );
    });
    const total = (await t.client.call("nodes.list")).length;
    expect(bar.props.title).toBe(`0/${total}`);
    const nodeItem = all(view.root, "MenuBarExtra.Item").find((i) => /^100\.64\./.test(i.props.subtitle ?? ""))!;
    await press(nodeItem);
    expect(recorded.clipboard).toEqual([nodeItem.props.subtitle]);
    await press(byTitle(view.root, "MenuBarExtra.Item", "Stop Headscale"));
    expect(recorded.launches).toEqual([{ name: "stop-headscale", type: "userInitiated" }]);
    view.unmount();
  });

  it("shows a dead helper as an item with a fix-it action, not a toast", async () => {
    await withHelperDown(t, async () => {
      const view = await render(<MenuBar />);
      const problem = await waitFor(view, (root) => byTitle(root, "MenuBarExtra.Item", "The helper is not running"));
      await press(problem);
      expect(recorded.launches).toEqual([{ name: "start-headscale", type: "userInitiated" }]);
      expect(recorded.toasts).toEqual([]);
      view.unmount();
    });
  });
});

describe("Mint Client Key", () => {
  it("mints, shows the tailscale up line once, and says when a key was reused", async () => {
    const view = await render(<MintClientKey />);
    const submit = byTitle(view.root, "Action.SubmitForm", "Mint Client Key");
    await press(submit, { deviceId: "ipad", deviceName: "iPad", account: "dana@example.com" });
    const shown = await render(recorded.pushed[0]!);
    const markdown = all(shown.root, "Detail")[0]!.props.markdown as string;
    const { preAuthKey, coordinationUrl } = await t.client.call("preAuthKeys.mint", {
      deviceId: "ipad",
      account: "dana@example.com",
    });
    expect(markdown).toContain("New client key");
    expect(markdown).toContain(`tailscale up --login-server=${coordinationUrl} --auth-key=${preAuthKey}`);
    // Under it, for phones: the server URL as a QR code, never the key.
    const image = await waitFor(
      shown,
      (root): RegExpExecArray | undefined =>
        /!\[QR code of ([^\]]*)\]\((data:image\/png;base64,[^?)]+)\?raycast-width=\d+&raycast-height=\d+\)/.exec(
          all(root, "Detail")[0]!.props.markdown,
        ) ?? undefined,
    );
    expect(image[1]).toBe(coordinationUrl);
    expect(image[2]).toBe(await qrCodeDataUri(coordinationUrl));
    expect(image.index).toBeGreaterThan(all(shown.root, "Detail")[0]!.props.markdown.indexOf("tailscale up"));
    await press(byTitle(shown.root, "Action.CopyToClipboard", "Copy Pre-Auth Key"));
    expect(recorded.clipboard).toEqual([preAuthKey]);

    await press(submit, { deviceId: "ipad", deviceName: "", account: "dana@example.com" });
    const again = await render(recorded.pushed[1]!);
    expect(all(again.root, "Detail")[0]!.props.markdown).toContain("Existing key reused");
    for (const r of [view, shown, again]) r.unmount();
  });
});

describe("Headscale Logs", () => {
  it("shows recent lines and follows new ones while open", async () => {
    const view = await render(<HeadscaleLogs />);
    await waitFor(view, (root) => all(root, "List.Item").some((i) => /listening and serving HTTP/.test(i.props.title)));
    t.helper.logs.append("helper", "a line written while the view is open");
    await waitFor(
      view,
      (root) =>
        byTitle(root, "List.Item", "[helper] a line written while the view is open") ??
        all(root, "List.Item").find((i) => i.props.title === "a line written while the view is open"),
    );
    await press(byTitle(view.root, "Action", "Copy Logs"));
    expect(recorded.clipboard[0]).toContain("[helper] a line written while the view is open");
    view.unmount();
  });
});
