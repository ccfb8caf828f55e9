/**
 * What Raycast's store rules and its users expect of every command (#24), against a real helper:
 * root views keep Raycast's title, actions fail with a toast, forms say what is wrong on the field,
 * common actions have shortcuts, and a value typed after a command's name fills its form.
 */
import { readFile } from "node:fs/promises";
import type { ReactElement } from "react";
import { beforeAll, describe, expect, it } from "vitest";
import { recorded } from "../support/raycast-api.js";
import { createFakeNodes } from "../support/fixtures.js";
import { all, byTitle, field, leave, press, render, submit, type, waitFor } from "../support/render.js";
import { useViewHelper, waitingDevice, withHelperDown } from "./view-helper.js";
import HeadscaleStatus from "../../src/headscale-status.js";
import ListNodes from "../../src/list-nodes.js";
import ManageUsers from "../../src/manage-users.js";
import MintClientKey from "../../src/mint-client-key.js";
import RegisterDevice from "../../src/register-device.js";
import TailnetBridge, { AddMapping } from "../../src/tailnet-bridge.js";
import { RenameNode } from "../../src/components/node-actions.js";
import type { Node } from "../../helper/protocol/types.js";

const helper = useViewHelper();
beforeAll(async () => {
  const t = helper();
  await t.client.call("users.create", { name: "kim" });
  await createFakeNodes(t.helper.paths.headscaleSocket, "kim", 1);
});

describe("root views", () => {
  it("Tailnet Bridge leaves the navigation title to Raycast, and both lists say what their search finds", async () => {
    const bridge = await render(<TailnetBridge />);
    const list = await waitFor(bridge, (root) => !all(root, "List")[0]!.props.isLoading && all(root, "List")[0]);
    expect(list.props).not.toHaveProperty("navigationTitle");
    expect(list.props.searchBarPlaceholder).toBe("Search mappings by port or address");
    const status = await render(<HeadscaleStatus />);
    await waitFor(status, (root) => byTitle(root, "List.Item", "State"));
    expect(all(status.root, "List")[0]!.props.searchBarPlaceholder).toBe("Search state, reachability and errors");
    for (const r of [bridge, status]) r.unmount();
  });
});

describe("Headscale Status: Auto-Start", () => {
  it("turns auto-start on and off with a toast, and a failure is a toast with the reason, not an unhandled error", async () => {
    const t = helper();
    const before = (await t.client.call("status")).headscale.autoStart;
    const [first, second] = before ? (["off", "on"] as const) : (["on", "off"] as const);
    const title = (turn: "on" | "off") => (turn === "on" ? "Enable Auto-Start" : "Disable Auto-Start");
    const view = await render(<HeadscaleStatus />);
    try {
      await press(await waitFor(view, (root) => byTitle(root, "Action", title(first))));
      expect(recorded.toasts.at(-1)).toEqual({ style: "success", title: `Auto-start is ${first}` });
      expect((await t.client.call("status")).headscale.autoStart).toBe(!before);
      const back = await waitFor(view, (root) => byTitle(root, "Action", title(second)));
      await withHelperDown(t, () => press(back));
      expect(recorded.toasts.at(-1)).toMatchObject({ style: "failure", title: `Could not turn auto-start ${second}` });
      expect(recorded.toasts.at(-1)!.message).toMatch(/helper/);
      expect((await t.client.call("status")).headscale.autoStart).toBe(!before);
    } finally {
      view.unmount();
      await t.client.call("config.set", { patch: { autoStart: before } });
    }
  });
});

describe("shortcuts", () => {
  it("Copy IP, Rename and Open Logs have Raycast's common shortcuts", async () => {
    const nodes = await render(<ListNodes />);
    const node = await waitFor(nodes, (root) => all(root, "List.Item")[0]);
    expect(byTitle(node, "Action.CopyToClipboard", "Copy IPv4 Address")!.props.shortcut).toBe("common-Copy");
    expect(byTitle(node, "Action.CopyToClipboard", "Copy Name")!.props.shortcut).toBe("common-CopyName");
    expect(byTitle(node, "Action.Push", "Rename Node")!.props.shortcut).toBe("common-Edit");
    const users = await render(<ManageUsers />);
    const user = await waitFor(users, (root) => byTitle(root, "List.Item", "kim"));
    expect(byTitle(user, "Action.Push", "Rename User")!.props.shortcut).toBe("common-Edit");
    const status = await render(<HeadscaleStatus />);
    const state = await waitFor(status, (root) => byTitle(root, "List.Item", "State"));
    expect(byTitle(state, "Action", "Open Logs")!.props.shortcut).toBe("common-Open");
    // No two actions of one panel share a shortcut.
    for (const panel of [...all(node, "ActionPanel"), ...all(user, "ActionPanel"), ...all(state, "ActionPanel")]) {
      const taken = panel
        .findAll((n) => typeof n.type === "string" && Boolean(n.props.shortcut))
        .map((n) => n.props.shortcut);
      expect(new Set(taken).size).toBe(taken.length);
    }
    for (const r of [nodes, users, status]) r.unmount();
  });
});

describe("forms say what is wrong on the field, and send nothing", () => {
  it("Mint Client Key: a blank device identifier", async () => {
    const view = await render(<MintClientKey />);
    await type(field(view.root, "deviceId"), "   ");
    await submit(view.root, "Mint Client Key");
    expect(field(view.root, "deviceId")!.props.error).toBe("Required");
    expect(recorded.toasts).toEqual([]);
    expect(recorded.pushed).toEqual([]);
    view.unmount();
  });

  it("Rename Node: a name Headscale would refuse, as soon as the field is left", async () => {
    const t = helper();
    const node = (await t.client.call("nodes.list"))[0] as Node;
    const view = await render(<RenameNode node={node} onRenamed={() => {}} />);
    await type(field(view.root, "name"), "Attic Pi");
    await leave(field(view.root, "name"));
    expect(field(view.root, "name")!.props.error).toBe("a DNS label: a-z, 0-9 and inner dashes, at most 63");
    await submit(view.root, "Rename Node");
    expect(recorded.toasts).toEqual([]);
    expect((await t.client.call("nodes.list"))[0]!.givenName).toBe(node.givenName);
    // Fixing it clears the error.
    await type(field(view.root, "name"), "attic-pi");
    expect(field(view.root, "name")!.props.error).toBeUndefined();
    view.unmount();
  });

  it("Add Mapping: a missing local port and a port out of range", async () => {
    const view = await render(<AddMapping onAdded={() => {}} />);
    await leave(field(view.root, "localPort"));
    expect(field(view.root, "localPort")!.props.error).toBe("Required");
    await type(field(view.root, "localPort"), "8096");
    await type(field(view.root, "tailnetPort"), "70000");
    await submit(view.root, "Add Mapping");
    expect(field(view.root, "tailnetPort")!.props.error).toBe("A port is a whole number from 1 to 65535");
    expect(recorded.toasts).toEqual([]);
    view.unmount();
  });

  it("Register Device: text without a registration key, as soon as the field is left", async () => {
    const view = await render(<RegisterDevice />);
    await type(field(view.root, "key"), "http://example.invalid/register/");
    await leave(field(view.root, "key"));
    expect(field(view.root, "key")!.props.error).toMatch(/hskey-authreq/);
    view.unmount();
  });
});

describe("command arguments", () => {
  it("the manifest offers one optional text argument to Mint Client Key, Register Device and Tailnet Bridge", async () => {
    const manifest = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as {
      commands: {
        name: string;
        arguments?: { name: string; type: string; required: boolean; placeholder: string }[];
      }[];
    };
    const argumentsOf = (name: string) => manifest.commands.find((command) => command.name === name)?.arguments;
    const expected = { "mint-client-key": "deviceId", "register-device": "url", "tailnet-bridge": "port" };
    for (const [command, name] of Object.entries(expected)) {
      expect(argumentsOf(command), command).toEqual([
        { name, type: "text", required: false, placeholder: expect.any(String) },
      ]);
    }
  });

  it("Mint Client Key starts with the device identifier typed after its name", async () => {
    const view = await render(<MintClientKey arguments={{ deviceId: " living-room-tv " }} />);
    expect(field(view.root, "deviceId")!.props.value).toBe("living-room-tv");
    view.unmount();
  });

  it("Register Device starts with the URL typed after its name, over whatever the clipboard holds", async () => {
    const t = helper();
    const typed = await waitingDevice(t, "typed-in");
    recorded.clipboard.push(await waitingDevice(t, "on-clipboard"));
    const view = await render(<RegisterDevice arguments={{ url: typed }} />);
    await waitFor(view, (root) => all(root, "Form.Dropdown.Item").some((item) => item.props.value === "kim"));
    expect(field(view.root, "key")!.props.value).toBe(typed);
    view.unmount();
  });

  it("Tailnet Bridge opens Add Mapping for the port typed after its name; without one it opens the list only", async () => {
    const plain = await render(<TailnetBridge />);
    expect(recorded.pushed).toEqual([]);
    plain.unmount();
    const view = await render(<TailnetBridge arguments={{ port: "8096" }} />);
    expect(recorded.pushed).toHaveLength(1);
    const form = await render(recorded.pushed[0] as ReactElement);
    expect(field(form.root, "localPort")!.props.value).toBe("8096");
    expect(field(form.root, "tailnetPort")!.props.value).toBe("");
    for (const r of [view, form]) r.unmount();
  });
});
