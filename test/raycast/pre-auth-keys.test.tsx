/** Pre-Auth Keys against a real helper and Headscale: keys made with options, shown once, listed and expired. */
import type { ReactElement } from "react";
import { describe, expect, it } from "vitest";
import { answerAlerts, recorded } from "../support/raycast-api.js";
import { all, byTitle, field, leave, openPushed, press, render, submit, type, waitFor } from "../support/render.js";
import { useViewHelper, expectHelperUnavailable } from "./view-helper.js";
import PreAuthKeys from "../../src/pre-auth-keys.js";
import { qrCodeDataUri } from "../../src/lib/qr-code.js";

const helper = useViewHelper();
const HOUR = 3_600_000;

describe("Pre-Auth Keys", () => {
  it("creates a reusable key for a user with an expiry, shows its tailscale up line once and lists it", async () => {
    const t = helper();
    await t.client.call("users.create", { name: "ivy" });
    const view = await render(<PreAuthKeys />);
    const empty = await waitFor(view, (root) => all(root, "List.EmptyView")[0]);
    const form = await openPushed(empty, "Create Pre-Auth Key");
    await waitFor(form, (root) => all(root, "Form.Dropdown.Item").some((item) => item.props.value === "ivy"));
    await press(byTitle(form.root, "Action.SubmitForm", "Create Pre-Auth Key"), {
      user: "ivy",
      reusable: true,
      ephemeral: false,
      tags: "",
      expiration: "1h",
    });
    const listed = await t.client.call("preAuthKeys.list");
    expect(listed).toHaveLength(1);
    const [key] = listed;
    expect(key).toMatchObject({ user: "ivy", reusable: true, ephemeral: false, used: false, aclTags: [] });
    const lifetime = Date.parse(key!.expiration!) - Date.now();
    expect(lifetime).toBeGreaterThan(0.9 * HOUR);
    expect(lifetime).toBeLessThanOrEqual(HOUR);
    expect(recorded.toasts.at(-1)).toEqual({ style: "success", title: `Created key ${key!.id}` });

    const shown = await render(recorded.pushed.at(-1) as ReactElement);
    const markdown = all(shown.root, "Detail")[0]!.props.markdown as string;
    const { serverUrl } = (await t.client.call("status")).headscale;
    expect(markdown).toMatch(new RegExp(`tailscale up --login-server=${serverUrl} --auth-key=hskey-auth-\\S+`));
    // For phones: the server URL as a QR code image, next to the line.
    const withQr = await waitFor(shown, (root) => {
      const text = all(root, "Detail")[0]!.props.markdown as string;
      return text.includes("](data:image/png;base64,") && text;
    });
    expect(withQr).toContain(`![QR code of ${serverUrl}](${await qrCodeDataUri(serverUrl)}?raycast-width=`);
    await press(byTitle(shown.root, "Action.CopyToClipboard", "Copy Pre-Auth Key"));
    await press(byTitle(shown.root, "Action.CopyToClipboard", "Copy Tailscale Command"));
    const [secret, command] = recorded.clipboard;
    expect(secret).toMatch(/^hskey-auth-/);
    expect(command).toBe(`tailscale up --login-server=${serverUrl} --auth-key=${secret}`);
    // The listing never carries it: this view was the one chance to copy it.
    expect(JSON.stringify(await t.client.call("preAuthKeys.list"))).not.toContain(secret);

    const item = await waitFor(view, (root) => byTitle(root, "List.Item", `Key ${key!.id}`));
    expect(item.props.subtitle).toBe("ivy");
    expect(item.props.accessories.map((a: { text?: string }) => a.text)).toContain("reusable");
    for (const r of [view, form, shown]) r.unmount();
  });

  it("creates a key for tagged devices only, with tags the policy owns", async () => {
    const t = helper();
    await t.client.call("policy.set", { policy: JSON.stringify({ tagOwners: { "tag:ci": ["ivy@"] } }) });
    const view = await render(<PreAuthKeys />);
    const form = await openPushed(await waitFor(view, (root) => all(root, "List.Item")[0]), "Create Pre-Auth Key");
    await press(byTitle(form.root, "Action.SubmitForm", "Create Pre-Auth Key"), {
      user: "tags-only",
      reusable: false,
      ephemeral: true,
      tags: "ci",
      expiration: "",
    });
    expect(recorded.toasts.at(-1)?.style).toBe("success");
    const tagged = (await t.client.call("preAuthKeys.list")).find((key) => key.aclTags.includes("tag:ci"));
    expect(tagged).toMatchObject({ user: null, ephemeral: true, reusable: false, aclTags: ["tag:ci"] });
    const item = await waitFor(view, (root) => byTitle(root, "List.Item", `Key ${tagged!.id}`));
    expect(item.props.subtitle).toBe("tagged devices");
    for (const r of [view, form]) r.unmount();
  });

  it("refuses a bad expiry or tag on its field, in the helper's words, and creates nothing", async () => {
    const t = helper();
    const before = (await t.client.call("preAuthKeys.list")).length;
    const view = await render(<PreAuthKeys />);
    const form = await openPushed(await waitFor(view, (root) => all(root, "List.Item")[0]), "Create Pre-Auth Key");
    await type(field(form.root, "expiration"), "soon");
    await leave(field(form.root, "expiration"));
    expect(field(form.root, "expiration")!.props.error).toBe('a duration such as "90d", "12h" or "30m"');
    await type(field(form.root, "tags"), "ci, Media");
    await submit(form.root, "Create Pre-Auth Key");
    expect(field(form.root, "tags")!.props.error).toBe("tags are lowercase, e.g. tag:server");
    expect(recorded.toasts).toEqual([]);
    expect(recorded.pushed).toEqual([]);
    expect(await t.client.call("preAuthKeys.list")).toHaveLength(before);
    for (const r of [view, form]) r.unmount();
  });

  it("names the device of a minted key and expires a key only after asking", async () => {
    const t = helper();
    await t.client.call("preAuthKeys.mint", { deviceId: "living-room-tv" });
    const view = await render(<PreAuthKeys />);
    const item = await waitFor(view, (root) =>
      all(root, "List.Item").find((i) => String(i.props.title).startsWith("living-room-tv")),
    );
    const id = (await t.client.call("preAuthKeys.list")).find((k) => k.device?.startsWith("living-room-tv"))!.id;
    answerAlerts(false);
    await press(byTitle(item, "Action", "Expire Key"));
    const stillValid = (await t.client.call("preAuthKeys.list")).find((k) => k.id === id)!;
    expect(Date.parse(stillValid.expiration!)).toBeGreaterThan(Date.now());

    answerAlerts(true);
    await press(byTitle(item, "Action", "Expire Key"));
    expect(recorded.alerts).toEqual([`Expire key ${id}?`, `Expire key ${id}?`]);
    const expired = (await t.client.call("preAuthKeys.list")).find((k) => k.id === id)!;
    expect(Date.parse(expired.expiration!)).toBeLessThanOrEqual(Date.now());
    const shown = await waitFor(view, (root) => {
      const found = all(root, "List.Item").find((i) => String(i.props.title).startsWith("living-room-tv"));
      return found?.props.accessories.some((a: { text?: string }) => a.text === "expired") && found;
    });
    expect(byTitle(shown, "Action", "Expire Key")).toBeUndefined();
    view.unmount();
  });

  it("shows the helper-not-running state with its fix", () => expectHelperUnavailable(helper(), <PreAuthKeys />));
});
