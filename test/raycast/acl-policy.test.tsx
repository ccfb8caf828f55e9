/** ACL Policy against a real helper and Headscale: edits checked by Headscale, nothing typed lost, history and rollback. */
import { describe, expect, it } from "vitest";
import { recorded } from "../support/raycast-api.js";
import { all, byTitle, openPushed, press, render, type, waitFor } from "../support/render.js";
import { useViewHelper, expectHelperUnavailable } from "./view-helper.js";
import AclPolicy from "../../src/acl-policy.js";

const helper = useViewHelper();
const current = async () => (await helper().client.call("policy.get")).policy;

const FIRST = `{
  // Everyone reaches everything: written first.
  "acls": [{ "action": "accept", "src": ["*"], "dst": ["*:*"] }],
}`;
const SECOND = `{
  "hosts": { "printer": "192.0.2.10/32" },
  "acls": [{ "action": "accept", "src": ["*"], "dst": ["*:*"] }],
}`;
/** Line 3 misses a comma. */
const BROKEN = `{
  "acls": [
    { "action": "accept" "src": ["*"], "dst": ["*:*"] },
  ],
}`;
/** Line 3 names an action Headscale does not know. */
const REJECTED = `{
  "acls": [
    { "action": "allow-everything", "src": ["*"], "dst": ["*:*"] },
  ],
}`;

const markdownOf = (view: Awaited<ReturnType<typeof render>>) => all(view.root, "Detail")[0]?.props.markdown as string;

/** Opens the edit form from the policy view, types `text` and presses `action`. */
async function edit(view: Awaited<ReturnType<typeof render>>, text: string, action: string) {
  const form = await openPushed(view.root, "Edit Policy");
  await type(all(form.root, "Form.TextArea")[0], text);
  await press(byTitle(form.root, "Action.SubmitForm", action), { policy: text });
  return form;
}

/** The policy view opened on the policy in force, then `text` typed in its edit form and `action` pressed. */
async function editAnew(text: string, action: string) {
  const before = await current();
  const view = await render(<AclPolicy />);
  await waitFor(view, () => byTitle(view.root, "Action.Push", "Edit Policy"));
  const form = await edit(view, text, action);
  return { before, view, form };
}

describe("ACL Policy", () => {
  it("says when there is no policy, applies an edit, and shows it as a code block", async () => {
    const view = await render(<AclPolicy />);
    await waitFor(view, () => markdownOf(view)?.includes("No policy is set"));
    const form = await edit(view, FIRST, "Apply Policy");
    expect(await current()).toBe(FIRST);
    expect(recorded.toasts.at(-1)).toEqual({ style: "success", title: "Applied policy version 1" });
    expect(recorded.pops).toHaveLength(1);
    await waitFor(view, () => markdownOf(view)?.includes("```json\n" + FIRST + "\n```"));
    for (const r of [view, form]) r.unmount();
  });

  it("keeps a rejected policy's text in the form, with Headscale's reason, and changes nothing", async () => {
    const { before, view, form } = await editAnew(REJECTED, "Apply Policy");
    expect(await current()).toBe(before);
    const failure = recorded.toasts.at(-1)!;
    expect(failure).toMatchObject({ style: "failure", title: "The policy was not applied" });
    expect(failure.message).toMatch(/Headscale rejects this policy: .*allow-everything/);
    const field = all(form.root, "Form.TextArea")[0]!;
    expect(field.props.value).toBe(REJECTED);
    expect(field.props.error).toBe(failure.message);
    expect(recorded.pops).toEqual([]);
    for (const r of [view, form]) r.unmount();
  });

  it("checks a policy without applying it", async () => {
    const { before, view, form } = await editAnew(SECOND, "Check Policy");
    expect(recorded.toasts.at(-1)).toEqual({ style: "success", title: "Headscale accepts this policy" });
    expect(await current()).toBe(before);
    await type(all(form.root, "Form.TextArea")[0], BROKEN);
    await press(byTitle(form.root, "Action.SubmitForm", "Check Policy"), { policy: BROKEN });
    expect(recorded.toasts.at(-1)).toMatchObject({ style: "failure", title: "Headscale rejects this policy" });
    expect(all(form.root, "Form.TextArea")[0]!.props.error).toMatch(/line 3, column 26: invalid character/);
    for (const r of [view, form]) r.unmount();
  });

  it("lists the kept versions and rolls back to one, and to the previous, after asking", async () => {
    const t = helper();
    await t.client.call("policy.set", { policy: SECOND });
    const view = await render(<AclPolicy />);
    await waitFor(view, () => markdownOf(view)?.includes("printer"));
    const history = await openPushed(view.root, "Show History");
    const first = await waitFor(history, (root) => {
      const items = all(root, "List.Item");
      return items.length === 2 && byTitle(root, "List.Item", "Version 1");
    });
    expect(all(history.root, "List.Item").map((item) => item.props.title)).toEqual(["Version 2", "Version 1"]);
    const newest = await waitFor(history, (root) => {
      const item = byTitle(root, "List.Item", "Version 2");
      return item?.props.accessories.some((a: { tag?: { value: string } }) => a.tag?.value === "current") && item;
    });
    expect(byTitle(newest, "Action", "Roll Back to This Version")).toBeUndefined();

    await press(byTitle(first, "Action", "Roll Back to This Version"));
    expect(recorded.alerts).toEqual(["Roll back to version 1?"]);
    expect(await current()).toBe(FIRST);
    await waitFor(view, () => markdownOf(view)?.includes("Everyone reaches everything"));

    await press(byTitle(view.root, "Action", "Roll Back to Previous"));
    expect(recorded.alerts).toEqual(["Roll back to version 1?", "Roll back to the previous policy?"]);
    expect(await current()).toBe(SECOND);
    for (const r of [view, history]) r.unmount();
  });

  it("shows the helper-not-running state with its fix", () => expectHelperUnavailable(helper(), <AclPolicy />));
});
