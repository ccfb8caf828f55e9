/**
 * The menu bar runs every minute in the background: those runs draw the title from the helper's
 * counts and never list nodes. Only an opened menu lists them, and keeps only those it shows.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Cache, environment } from "../support/raycast-api.js";
import { createFakeNodes } from "../support/fixtures.js";
import { all, render, waitFor } from "../support/render.js";
import { useViewHelper } from "./view-helper.js";
import { waitUntil } from "../../testkit/wait.js";
import MenuBar from "../../src/menu-bar.js";
import * as client from "../../src/lib/raycast-client.js";

// Every call the commands make to the helper, to see which methods a run asks for.
vi.mock("../../src/lib/raycast-client.js", async (original) => {
  const actual = await original<typeof import("../../src/lib/raycast-client.js")>();
  return { ...actual, call: vi.fn(actual.call) };
});
const methodsCalled = () => vi.mocked(client.call).mock.calls.map(([method]) => method);

const helper = useViewHelper();
beforeAll(async () => {
  const t = helper();
  await t.client.call("users.create", { name: "lee" });
  await createFakeNodes(t.helper.paths.headscaleSocket, "lee", 2);
  await waitUntil(async () => (await t.client.call("status")).headscale.nodes?.total === 2, {
    what: "the helper to count the 2 new nodes",
    timeoutMs: 60_000,
    intervalMs: 200,
  });
});
afterEach(() => {
  environment.launchType = "userInitiated";
  vi.mocked(client.call).mockClear();
});

const loaded = (view: Awaited<ReturnType<typeof render>>) =>
  waitFor(view, (root) => {
    const bar = all(root, "MenuBarExtra")[0];
    return bar && !bar.props.isLoading && bar;
  });
const nodeItems = (view: Awaited<ReturnType<typeof render>>) =>
  all(view.root, "MenuBarExtra.Item").filter((item) => /^100\.64\./.test(item.props.subtitle ?? ""));

describe("Menu bar counts", () => {
  it("a background run shows online/total from the helper's counts and lists no node", async () => {
    environment.launchType = "background";
    const view = await render(<MenuBar />);
    const bar = await loaded(view);
    expect(bar.props.title).toBe("0/2");
    expect(methodsCalled()).toEqual(["status"]);
    expect(nodeItems(view)).toEqual([]);
    view.unmount();
  });

  it("an opened menu lists the nodes", async () => {
    Cache.clearAll();
    const view = await render(<MenuBar />);
    await loaded(view);
    expect(nodeItems(view)).toHaveLength(2);
    expect(methodsCalled()).toEqual(expect.arrayContaining(["status", "nodes.list"]));
    view.unmount();
  });
});
