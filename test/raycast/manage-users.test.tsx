/** Manage Users against a real helper and Headscale: what the forms and the delete questions do to Headscale's users. */
import { describe, expect, it } from "vitest";
import { answerAlerts, recorded } from "../support/raycast-api.js";
import { createFakeNodes } from "../support/fixtures.js";
import { all, byTitle, field, openPushed, press, render, submit, type, waitFor } from "../support/render.js";
import { useViewHelper, expectHelperUnavailable } from "./view-helper.js";
import ManageUsers from "../../src/manage-users.js";

const helper = useViewHelper();
const names = async () => (await helper().client.call("users.list")).map((user) => user.name);

describe("Manage Users", () => {
  it("creates a user through the form, then renames it", async () => {
    const view = await render(<ManageUsers />);
    const empty = await waitFor(view, (root) => all(root, "List.EmptyView")[0]);
    expect(empty.props.title).toBe("No users yet");
    const create = await openPushed(empty, "Create User");
    await press(byTitle(create.root, "Action.SubmitForm", "Create User"), { name: " frank " });
    expect(await names()).toContain("frank");
    expect(recorded.toasts.at(-1)).toEqual({ style: "success", title: "Created frank" });
    expect(recorded.pops).toHaveLength(1);

    const item = await waitFor(view, (root) => byTitle(root, "List.Item", "frank"));
    const rename = await openPushed(item, "Rename User");
    await press(byTitle(rename.root, "Action.SubmitForm", "Rename User"), { newName: "frankie" });
    expect(await names()).toEqual(expect.arrayContaining(["frankie"]));
    expect(await names()).not.toContain("frank");
    await waitFor(view, (root) => byTitle(root, "List.Item", "frankie"));
    for (const r of [view, create, rename]) r.unmount();
  });

  it("says on the field why a name is refused, keeps the form open and sends nothing", async () => {
    const view = await render(<ManageUsers />);
    const create = await openPushed(
      await waitFor(view, (root) => all(root, "List.EmptyView")[0] ?? all(root, "List.Item")[0]),
      "Create User",
    );
    await submit(create.root, "Create User");
    expect(field(create.root, "name")!.props.error).toBe("Required");
    await type(field(create.root, "name"), "9lives");
    await submit(create.root, "Create User");
    expect(field(create.root, "name")!.props.error).toMatch(/a letter first/);
    expect(recorded.toasts).toEqual([]);
    expect(recorded.pops).toEqual([]);
    expect(await names()).not.toContain("9lives");
    for (const r of [view, create]) r.unmount();
  });

  it("shows node counts and deletes a user with nodes only after a second yes that says how many", async () => {
    const t = helper();
    await t.client.call("users.create", { name: "gina" });
    await createFakeNodes(t.helper.paths.headscaleSocket, "gina", 2);
    const view = await render(<ManageUsers />);
    const item = await waitFor(view, (root) => {
      const found = byTitle(root, "List.Item", "gina");
      return found?.props.accessories[0]?.text === "2 nodes" && found;
    });

    // No to the second question: the user and the nodes stay.
    answerAlerts(true, false);
    await press(byTitle(item, "Action", "Delete User"));
    expect(recorded.alerts).toEqual(["Delete user gina?", "Also delete 2 nodes?"]);
    expect(await names()).toContain("gina");
    expect((await t.client.call("nodes.list")).filter((n) => n.user === "gina")).toHaveLength(2);

    answerAlerts(true);
    recorded.alerts.length = 0;
    await press(byTitle(item, "Action", "Delete User"));
    expect(recorded.alerts).toEqual(["Delete user gina?", "Also delete 2 nodes?"]);
    expect(recorded.toasts.at(-1)).toEqual({ style: "success", title: "Deleted gina and 2 nodes" });
    expect(await names()).not.toContain("gina");
    expect((await t.client.call("nodes.list")).filter((n) => n.user === "gina")).toEqual([]);
    expect(recorded.launches).toContainEqual({ name: "menu-bar", type: "background" });
    await waitFor(view, (root) => !byTitle(root, "List.Item", "gina"));
    view.unmount();
  });

  it("asks once for a user without nodes, and does nothing when told no", async () => {
    const t = helper();
    await t.client.call("users.create", { name: "hal" });
    const view = await render(<ManageUsers />);
    const item = await waitFor(view, (root) => byTitle(root, "List.Item", "hal"));
    answerAlerts(false);
    await press(byTitle(item, "Action", "Delete User"));
    expect(await names()).toContain("hal");
    answerAlerts(true);
    await press(byTitle(item, "Action", "Delete User"));
    expect(recorded.alerts).toEqual(["Delete user hal?", "Delete user hal?"]);
    expect(await names()).not.toContain("hal");
    view.unmount();
  });

  it("shows the helper-not-running state with its fix", () => expectHelperUnavailable(helper(), <ManageUsers />));
});
