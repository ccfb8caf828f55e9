/** List Nodes' Set Tags against a real helper and Headscale: refused with Headscale's reason, then set once the policy owns the tag. */
import { beforeAll, describe, expect, it } from "vitest";
import { recorded } from "../support/raycast-api.js";
import { createFakeNodes } from "../support/fixtures.js";
import { all, byTitle, field, leave, openPushed, press, render, submit, type, waitFor } from "../support/render.js";
import { useViewHelper } from "./view-helper.js";
import ListNodes from "../../src/list-nodes.js";

const helper = useViewHelper();
beforeAll(async () => {
  const t = helper();
  await t.client.call("users.create", { name: "jo" });
  await createFakeNodes(t.helper.paths.headscaleSocket, "jo", 1);
});

const tagsOf = async (name: string) =>
  (await helper().client.call("nodes.list")).find((node) => node.givenName === name)!.tags;

describe("List Nodes: tags", () => {
  it("shows Headscale's reason when the policy does not own a tag, keeps the form open and changes nothing", async () => {
    const view = await render(<ListNodes />);
    const item = await waitFor(view, (root) => all(root, "List.Item")[0]);
    const form = await openPushed(item, "Set Tags");
    await press(byTitle(form.root, "Action.SubmitForm", "Set Tags"), { tags: "server" });
    expect(recorded.toasts.at(-1)).toMatchObject({ style: "failure", title: `Could not tag ${item.props.title}` });
    expect(recorded.toasts.at(-1)!.message).toMatch(/tag:server.*not permitted.*tagOwners/);
    expect(recorded.pops).toEqual([]);
    expect(await tagsOf(item.props.title)).toEqual([]);
    for (const r of [view, form]) r.unmount();
  });

  it("tags the node once the policy owns the tags, and shows them on the item", async () => {
    await helper().client.call("policy.set", {
      policy: JSON.stringify({ tagOwners: { "tag:server": ["jo@"], "tag:media": ["jo@"] } }),
    });
    const view = await render(<ListNodes />);
    const item = await waitFor(view, (root) => all(root, "List.Item")[0]);
    const form = await openPushed(item, "Set Tags");
    await press(byTitle(form.root, "Action.SubmitForm", "Set Tags"), { tags: "server, tag:media" });
    expect(recorded.toasts.at(-1)).toEqual({
      style: "success",
      title: `Tagged ${item.props.title}: tag:media, tag:server`,
    });
    expect((await tagsOf(item.props.title)).sort()).toEqual(["tag:media", "tag:server"]);
    expect(recorded.pops).toHaveLength(1);
    await waitFor(view, (root) => {
      const tags = byTitle(root, "List.Item", item.props.title)
        ?.props.accessories.map((a: { tag?: { value: string } }) => a.tag?.value)
        .filter(Boolean);
      return tags?.length === 2 && tags.includes("tag:server") && tags.includes("tag:media");
    });
    for (const r of [view, form]) r.unmount();
  });

  it("refuses an empty tag list on the field, sending nothing: Headscale 0.29 cannot untag a node", async () => {
    const view = await render(<ListNodes />);
    const item = await waitFor(view, (root) => all(root, "List.Item")[0]);
    const before = await tagsOf(item.props.title);
    const form = await openPushed(item, "Set Tags");
    await type(field(form.root, "tags"), " , ");
    await submit(form.root, "Set Tags");
    expect(field(form.root, "tags")!.props.error).toMatch(/cannot untag/);
    expect(recorded.toasts).toEqual([]);
    expect(await tagsOf(item.props.title)).toEqual(before);
    // A tag in capitals is refused there too, in the helper's words.
    await type(field(form.root, "tags"), "Server");
    await leave(field(form.root, "tags"));
    expect(field(form.root, "tags")!.props.error).toBe("tags are lowercase, e.g. tag:server");
    for (const r of [view, form]) r.unmount();
  });
});
