/** Register Device against a real helper and Headscale: a device waiting under its auth ID joins the tailnet. */
import { describe, expect, it } from "vitest";
import { recorded } from "../support/raycast-api.js";
import { all, byTitle, press, render, type, waitFor } from "../support/render.js";
import { useViewHelper, waitingDevice, expectHelperUnavailable } from "./view-helper.js";
import RegisterDevice from "../../src/register-device.js";

const helper = useViewHelper();

describe("Register Device", () => {
  it("prefills the URL from the clipboard, registers the device to the chosen user and says its name and IP", async () => {
    const t = helper();
    await t.client.call("users.create", { name: "erin" });
    const url = await waitingDevice(t, "walk-in");
    // As copied from the device's terminal: the words around the URL too.
    recorded.clipboard.push(`To authenticate, visit:\n\n\t${url}\n`);
    const view = await render(<RegisterDevice />);
    const field = await waitFor(view, (root) => {
      const found = all(root, "Form.TextField")[0];
      return found?.props.value === url && found;
    });
    await waitFor(view, (root) => all(root, "Form.Dropdown.Item").some((item) => item.props.value === "erin"));
    await press(byTitle(view.root, "Action.SubmitForm", "Register Device"), { key: field.props.value, user: "erin" });

    const node = (await t.client.call("nodes.list")).find((n) => n.givenName === "walk-in");
    expect(node?.user).toBe("erin");
    const ip = node!.ipAddresses.find((address) => address.includes("."));
    expect(recorded.toasts.at(-1)).toEqual({ style: "success", title: `Registered walk-in (${ip})` });
    expect(recorded.launches).toContainEqual({ name: "menu-bar", type: "background" });
    // Cleared, so the same URL is not sent twice.
    await waitFor(view, (root) => all(root, "Form.TextField")[0]!.props.value === "");
    view.unmount();
  });

  it("leaves the clipboard alone when it holds no registration, and refuses text without a key", async () => {
    const t = helper();
    recorded.clipboard.push("just some text");
    const before = (await t.client.call("nodes.list")).length;
    const view = await render(<RegisterDevice />);
    const field = all(view.root, "Form.TextField")[0]!;
    expect(field.props.value).toBe("");
    await type(field, "http://example.invalid/register/");
    await press(byTitle(view.root, "Action.SubmitForm", "Register Device"), {
      key: "http://example.invalid/register/",
      user: "",
    });
    expect(all(view.root, "Form.TextField")[0]!.props.error).toMatch(/hskey-authreq/);
    expect(recorded.toasts).toEqual([]);
    expect(await t.client.call("nodes.list")).toHaveLength(before);
    view.unmount();
  });

  it("says when no device waits with that key, with the helper's reason", async () => {
    const view = await render(<RegisterDevice />);
    const stale = "http://127.0.0.1:1/register/hskey-authreq-AAAAAAAAAAAAAAAAAAAAAAAA";
    await press(byTitle(view.root, "Action.SubmitForm", "Register Device"), { key: stale, user: "" });
    expect(recorded.toasts.at(-1)).toMatchObject({ style: "failure", title: "Could not register the device" });
    expect(recorded.toasts.at(-1)!.message).toMatch(/no device is waiting/);
    expect(recorded.launches).toEqual([]);
    view.unmount();
  });

  it("defaults to the helper's own user", async () => {
    const t = helper();
    const url = await waitingDevice(t, "own-device");
    const view = await render(<RegisterDevice />);
    const dropdown = all(view.root, "Form.Dropdown")[0]!;
    expect(dropdown.props.value).toBe("");
    await press(byTitle(view.root, "Action.SubmitForm", "Register Device"), { key: url, user: dropdown.props.value });
    const node = (await t.client.call("nodes.list")).find((n) => n.givenName === "own-device");
    const minted = await t.client.call("preAuthKeys.mint", { deviceId: "own-user-probe" });
    expect(node?.user).toBe(minted.user);
    view.unmount();
  });

  it("shows the helper-not-running state with its fix", () => expectHelperUnavailable(helper(), <RegisterDevice />));
});
