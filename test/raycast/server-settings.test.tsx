/**
 * Server Settings against a real helper and Headscale: the form starts from the helper's
 * settings, saves only what changed, and shows a refusal as the helper's own line while it
 * keeps what was typed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReactTestInstance, ReactTestRenderer } from "react-test-renderer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recorded } from "../support/raycast-api.js";
import { byTitle, press, render, type, waitFor } from "../support/render.js";
import { certificateCases, createTestCa } from "../../testkit/test-ca.js";
import { expectHelperUnavailable, useViewHelper } from "./view-helper.js";
import ServerSettings from "../../src/server-settings.js";

const helper = useViewHelper();
let certDir: string;
beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), "hr-rc-"));
});
afterAll(() => rm(certDir, { recursive: true, force: true }));

const FIELDS = ["Form.TextField", "Form.Dropdown", "Form.Checkbox", "Form.FilePicker"];
/** A form item by its id, as Raycast would hand its value to the submit action. */
const field = (root: ReactTestInstance, id: string) =>
  root.findAll((node) => FIELDS.includes(node.type as string) && node.props.id === id)[0];
/** What Raycast submits: the value of every item the form shows. */
const shownValues = (root: ReactTestInstance) =>
  Object.fromEntries(
    root.findAll((node) => FIELDS.includes(node.type as string)).map((node) => [node.props.id, node.props.value]),
  );
const submit = (view: ReactTestRenderer) =>
  press(byTitle(view.root, "Action.SubmitForm", "Save Settings"), shownValues(view.root));
const loaded = (view: ReactTestRenderer) => waitFor(view, (root) => field(root, "listenAddr")?.props.value && root);

describe("Server Settings", () => {
  it("starts from the helper's settings and says where devices log in", async () => {
    const t = helper();
    const config = await t.client.call("config.get");
    const view = await render(<ServerSettings />);
    const root = await loaded(view);
    expect(field(root, "reach")!.props.value).toBe("computer");
    expect(field(root, "listenAddr")!.props.value).toBe(config.settings.listenAddr);
    expect(field(root, "serverUrl")!.props.value).toBe(config.settings.serverUrl ?? "");
    expect(field(root, "tlsMode")!.props.value).toBe("off");
    expect(field(root, "tlsHostname")).toBeUndefined(); // no TLS: none of its fields
    expect(field(root, "autoStart")!.props.value).toBe(config.settings.autoStart);
    expect(byTitle(root, "Form.Description", "Devices Use")!.props.text).toBe(config.serverUrl);
    view.unmount();
  });

  it("saves only what changed, with a toast naming the URL devices use", async () => {
    const t = helper();
    const before = (await t.client.call("config.get")).settings;
    const view = await render(<ServerSettings />);
    await loaded(view);
    await type(field(view.root, "magicDns"), true as unknown as string);
    await type(field(view.root, "baseDomain"), "tail.example");
    await type(field(view.root, "nameservers"), "192.0.2.53, 192.0.2.54");
    await submit(view);
    const after = await t.client.call("config.get");
    expect(after.settings.dns).toMatchObject({
      magicDns: true,
      baseDomain: "tail.example",
      nameservers: ["192.0.2.53", "192.0.2.54"],
    });
    // Everything else is as it was.
    expect({ ...after.settings, dns: before.dns }).toEqual(before);
    expect(recorded.toasts).toEqual([{ style: "success", title: `Saved: devices use ${after.serverUrl}` }]);
    // The form now starts from the saved settings: saving again changes nothing.
    await submit(view);
    expect(recorded.toasts.at(-1)).toEqual({ style: "success", title: "Nothing changed" });
    view.unmount();
  });

  it("shows the helper's refusal as a failure toast and keeps what was typed", async () => {
    const t = helper();
    const before = await t.client.call("config.get");
    const hostname = "hs.test.internal";
    const { expired } = await certificateCases(await createTestCa(certDir), hostname);
    const view = await render(<ServerSettings />);
    await loaded(view);
    // Certificate files: the form turns to the Internet reach with them.
    await type(field(view.root, "tlsMode"), "files");
    expect(field(view.root, "reach")!.props.value).toBe("internet");
    await type(field(view.root, "tlsHostname"), hostname);
    await type(field(view.root, "certPath"), [expired.certPath] as unknown as string);
    await type(field(view.root, "keyPath"), [expired.keyPath] as unknown as string);
    await submit(view);

    expect(recorded.toasts).toHaveLength(1);
    const [toast] = recorded.toasts;
    expect(toast).toMatchObject({ style: "failure", title: "Could not save the server settings" });
    expect(toast!.message).toMatch(new RegExp(`^tls: ${expired.certPath}: the certificate expired on `));
    expect(toast!.message).not.toMatch(/\n/);
    // The helper kept its settings; the form keeps the person's.
    expect(await t.client.call("config.get")).toEqual(before);
    const kept = shownValues(view.root);
    expect(kept).toMatchObject({
      reach: "internet",
      tlsMode: "files",
      tlsHostname: hostname,
      certPath: [expired.certPath],
      keyPath: [expired.keyPath],
    });
    view.unmount();
  });

  it("checks fields before asking the helper, in the schema's words", async () => {
    const t = helper();
    const before = await t.client.call("config.get");
    const view = await render(<ServerSettings />);
    await loaded(view);
    await type(field(view.root, "listenAddr"), "localhost");
    await type(field(view.root, "magicDns"), true as unknown as string);
    await type(field(view.root, "baseDomain"), "");
    await submit(view);
    expect(field(view.root, "listenAddr")!.props.error).toBe("host:port, e.g. 127.0.0.1:8080");
    expect(field(view.root, "baseDomain")!.props.error).toBe("required when MagicDNS is on");
    expect(recorded.toasts).toEqual([]);
    expect(await t.client.call("config.get")).toEqual(before);
    view.unmount();
  });

  it("shows the helper-not-running state with its fix", () => expectHelperUnavailable(helper(), <ServerSettings />));
});
