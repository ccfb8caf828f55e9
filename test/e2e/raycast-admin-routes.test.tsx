/**
 * List Nodes' route actions and the menu bar's waiting routes, rendered with the @raycast/api
 * stand-in against a real helper and a real tailscaled that offers routes and an exit node:
 * only a real client's routes reach Headscale as offered. Documentation ranges: nothing is
 * sent there. Runs only inside a loopback-only namespace (`npm run test:e2e`).
 */
import type { ReactTestInstance, ReactTestRenderer } from "react-test-renderer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { answerAlerts, preferences, recorded, resetStandIn } from "../support/raycast-api.js";
import { removeHome, startTestHelper, type TestHelper } from "../support/fixtures.js";
import { all, byTitle, press, render, waitFor } from "../support/render.js";
import { onlyLoopback, startTailscaleClient, type TailscaleClient } from "../../testkit/tailscale-client.js";
import { waitUntil } from "../../testkit/wait.js";
import ListNodes from "../../src/list-nodes.js";
import MenuBar from "../../src/menu-bar.js";

const [A, B, C] = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"] as const;
const EXIT = ["0.0.0.0/0", "::/0"];
let t: TestHelper;
let router: TailscaleClient;

const approved = async () =>
  (await t.client.call("nodes.list")).find((node) => node.givenName === "router")!.approvedRoutes.sort();
const pendingCount = async () => (await t.client.call("status")).headscale.nodes?.pendingRoutes;
/** The router's item once it offers `action` and shows `badge`: the list reloads after each change. */
const routerWith = (view: ReactTestRenderer, action: string, badge?: string) =>
  waitFor(view, (root) => {
    const item = byTitle(root, "List.Item", "router");
    return item && byTitle(item, "Action", action) && (!badge || badges(item).includes(badge)) && item;
  });
const badges = (item: ReactTestInstance) =>
  item.props.accessories.map((a: { tag?: { value: string } }) => a.tag?.value).filter(Boolean);

beforeAll(async () => {
  if (!(await onlyLoopback())) throw new Error("refusing to run a tailnet outside a loopback-only network namespace");
  t = await startTestHelper();
  preferences.home = t.home;
  const minted = await t.client.call("preAuthKeys.mint", { deviceId: "router", account: "routes-e2e" });
  router = await startTailscaleClient("router", minted.coordinationUrl, minted.preAuthKey, {
    advertiseRoutes: [A, B, C],
    exitNode: true,
  });
  await waitUntil(async () => (await pendingCount()) === 5, {
    what: "the helper's counts to see the router's 5 offered routes",
    timeoutMs: 60_000,
    intervalMs: 200,
  });
});
afterAll(async () => {
  await router?.stop();
  await t?.close();
  if (t) await removeHome(t.home);
});
beforeEach(resetStandIn);

describe("routes from Raycast", () => {
  it("the menu bar counts waiting routes from the helper's status, and its item opens List Nodes", async () => {
    const view = await render(<MenuBar />);
    const waiting = await waitFor(view, (root) => byTitle(root, "MenuBarExtra.Item", "5 routes waiting for approval"));
    await press(waiting);
    expect(recorded.launches).toEqual([{ name: "list-nodes", type: "userInitiated" }]);
    view.unmount();
  });

  it("approves one route, then all waiting ones, then the exit node, as the helper reports", async () => {
    const view = await render(<ListNodes />);
    let item = await routerWith(view, `Approve ${A}`, "5 routes waiting");
    // The exit pair has its own action, not one per half.
    expect(byTitle(item, "Action", "Approve 0.0.0.0/0")).toBeUndefined();

    await press(byTitle(item, "Action", `Approve ${A}`));
    expect(await approved()).toEqual([A]);
    expect(recorded.launches).toContainEqual({ name: "menu-bar", type: "background" });

    item = await routerWith(view, "Approve All Waiting Routes", "4 routes waiting");
    await press(byTitle(item, "Action", "Approve All Waiting Routes"));
    expect(await approved()).toEqual([A, B, C].sort());

    item = await routerWith(view, "Use as Exit Node", "2 routes waiting");
    await press(byTitle(item, "Action", "Use as Exit Node"));
    expect(await approved()).toEqual([...EXIT, A, B, C].sort());
    expect(recorded.alerts).toEqual([]); // approving asks nothing

    item = await routerWith(view, "Stop Being Exit Node", "exit node");
    expect(badges(item).some((badge: string) => /waiting/.test(badge))).toBe(false);
    await waitUntil(async () => (await pendingCount()) === 0, {
      what: "the helper's counts to see no waiting route",
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    view.unmount();
  });

  it("unapproves a route and stops the exit node only after asking", async () => {
    const view = await render(<ListNodes />);
    let item = await routerWith(view, `Unapprove ${B}`);
    answerAlerts(false);
    await press(byTitle(item, "Action", `Unapprove ${B}`));
    expect(await approved()).toEqual([...EXIT, A, B, C].sort());

    answerAlerts(true);
    await press(byTitle(item, "Action", `Unapprove ${B}`));
    expect(await approved()).toEqual([...EXIT, A, C].sort());

    item = await routerWith(view, "Stop Being Exit Node", "exit node");
    await press(byTitle(item, "Action", "Stop Being Exit Node"));
    expect(await approved()).toEqual([A, C].sort());
    expect(recorded.alerts).toEqual([
      `Unapprove ${B} on router?`,
      `Unapprove ${B} on router?`,
      "Stop router being an exit node?",
    ]);

    // Offered again, so waiting again: the list and the menu bar say so.
    item = await routerWith(view, "Use as Exit Node", "3 routes waiting");
    await waitUntil(async () => (await pendingCount()) === 3, {
      what: "the helper's counts to see 3 waiting routes again",
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    const menu = await render(<MenuBar />);
    await waitFor(menu, (root) => byTitle(root, "MenuBarExtra.Item", "3 routes waiting for approval"));
    expect(all(menu.root, "MenuBarExtra.Item").some((i) => /5 routes/.test(String(i.props.title)))).toBe(false);
    for (const r of [view, menu]) r.unmount();
  });
});
