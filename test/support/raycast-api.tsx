/**
 * A stand-in for @raycast/api, which has no runtime outside Raycast. Components render as
 * host elements named after the Raycast component ("List.Item", "Action", …) so tests can
 * find them and call their actions; side effects (clipboard, toasts, HUDs, launches,
 * navigation) are recorded for assertions.
 */
import { cloneElement, createElement, isValidElement, type ReactElement, type ReactNode } from "react";
import { join } from "node:path";
import { tmpdir } from "node:os";

interface ToastAction {
  title: string;
  onAction: () => unknown;
}
type ToastEntry = {
  style: string;
  title: string;
  message?: string;
  primaryAction?: ToastAction;
  secondaryAction?: ToastAction;
};

export const recorded = {
  clipboard: [] as string[],
  toasts: [] as ToastEntry[],
  huds: [] as string[],
  launches: [] as { name: string; type: string }[],
  pushed: [] as ReactElement[],
  /** One entry per pop(): a form that closed after its work was done. */
  pops: [] as "pop"[],
  alerts: [] as string[],
};
export const preferences: Record<string, string> = {};
/** How the next alerts are answered, in order; the last answer stands for every alert after it. */
let alertAnswers = [true];
export function answerAlerts(...answers: [boolean, ...boolean[]]): void {
  alertAnswers = answers;
}
export function resetRecorded(): void {
  for (const list of Object.values(recorded)) list.length = 0;
}
/** A fresh start for each test: nothing recorded, nothing cached, every alert answered yes. */
export function resetStandIn(): void {
  resetRecorded();
  Cache.clearAll();
  answerAlerts(true);
}

/** Props that hold elements Raycast shows (an item's actions, its detail…): rendered as children here. */
const SLOTS = ["actions", "detail", "searchBarAccessory", "metadata"];

const host = (name: string) => {
  const component = (props: Record<string, unknown>) => {
    const rest: Record<string, unknown> = {};
    const slots: ReactNode[] = [];
    for (const [key, value] of Object.entries(props)) {
      if (key === "children") continue;
      if (SLOTS.includes(key) && isValidElement(value)) slots.push(cloneElement(value, { key }));
      else rest[key] = value;
    }
    return createElement(name, rest, props.children as ReactNode, ...slots);
  };
  component.displayName = name;
  return component;
};
const withParts = <T extends object>(name: string, parts: T) => Object.assign(host(name), parts);

export const List = withParts("List", {
  Item: withParts("List.Item", {
    Detail: withParts("List.Item.Detail", { Metadata: host("List.Item.Detail.Metadata") }),
  }),
  Section: host("List.Section"),
  EmptyView: host("List.EmptyView"),
  Dropdown: withParts("List.Dropdown", { Item: host("List.Dropdown.Item"), Section: host("List.Dropdown.Section") }),
});
export const Detail = withParts("Detail", {
  Metadata: withParts("Detail.Metadata", {
    Label: host("Detail.Metadata.Label"),
    Separator: host("Detail.Metadata.Separator"),
  }),
});
export const Form = withParts("Form", {
  TextField: host("Form.TextField"),
  PasswordField: host("Form.PasswordField"),
  TextArea: host("Form.TextArea"),
  Checkbox: host("Form.Checkbox"),
  FilePicker: host("Form.FilePicker"),
  Separator: host("Form.Separator"),
  Dropdown: withParts("Form.Dropdown", { Item: host("Form.Dropdown.Item"), Section: host("Form.Dropdown.Section") }),
  Description: host("Form.Description"),
});
export const ActionPanel = withParts("ActionPanel", {
  Section: host("ActionPanel.Section"),
  Submenu: host("ActionPanel.Submenu"),
});
export const Action = withParts("Action", {
  CopyToClipboard: host("Action.CopyToClipboard"),
  Push: host("Action.Push"),
  SubmitForm: host("Action.SubmitForm"),
  OpenInBrowser: host("Action.OpenInBrowser"),
  Style: { Regular: "regular", Destructive: "destructive" },
});
export const MenuBarExtra = withParts("MenuBarExtra", {
  Item: host("MenuBarExtra.Item"),
  Section: host("MenuBarExtra.Section"),
  Submenu: host("MenuBarExtra.Submenu"),
});

export const Icon = new Proxy({} as Record<string, string>, { get: (_, key) => String(key) });
export const Color = new Proxy({} as Record<string, string>, { get: (_, key) => String(key) });
export const Image = { Mask: { Circle: "circle" } };
export const Keyboard = {
  Shortcut: { Common: new Proxy({} as Record<string, string>, { get: (_, key) => `common-${String(key)}` }) },
};
export const Alert = { ActionStyle: { Default: "default", Destructive: "destructive", Cancel: "cancel" } };
export const LaunchType = { UserInitiated: "userInitiated", Background: "background" };
export const environment = {
  assetsPath: join(import.meta.dirname, "..", "..", "assets"),
  supportPath: join(tmpdir(), "hr-raycast-support"),
  commandName: "test",
  extensionName: "headscale-remote",
  launchType: "userInitiated",
  isDevelopment: true,
  raycastVersion: "1.104.0",
  textSize: "medium",
  appearance: "dark",
  theme: "dark",
};

class ToastRecord {
  static Style = { Animated: "animated", Success: "success", Failure: "failure" };
  constructor(private readonly entry: ToastEntry) {}
  get primaryAction() {
    return this.entry.primaryAction;
  }
  set primaryAction(value: ToastAction | undefined) {
    this.entry.primaryAction = value;
  }
  get secondaryAction() {
    return this.entry.secondaryAction;
  }
  set secondaryAction(value: ToastAction | undefined) {
    this.entry.secondaryAction = value;
  }
  get style() {
    return this.entry.style;
  }
  set style(value: string) {
    this.entry.style = value;
  }
  get title() {
    return this.entry.title;
  }
  set title(value: string) {
    this.entry.title = value;
  }
  get message() {
    return this.entry.message;
  }
  set message(value: string | undefined) {
    this.entry.message = value;
  }
  async hide() {}
  async show() {}
}
export const Toast = ToastRecord;
export async function showToast(options: { style?: string; title: string; message?: string }) {
  const entry: ToastEntry = { style: options.style ?? "success", title: options.title, message: options.message };
  recorded.toasts.push(entry);
  return new ToastRecord(entry);
}
export async function showHUD(message: string) {
  recorded.huds.push(message);
}
export const Clipboard = {
  copy: async (content: string | { text: string }) =>
    void recorded.clipboard.push(typeof content === "string" ? content : content.text),
  readText: async () => recorded.clipboard.at(-1),
};
export async function launchCommand(options: { name: string; type: string }) {
  recorded.launches.push({ name: options.name, type: options.type });
}
export async function confirmAlert(options: { title: string }) {
  recorded.alerts.push(options.title);
  return alertAnswers.length > 1 ? alertAnswers.shift()! : alertAnswers[0]!;
}
export async function open() {}
export async function closeMainWindow() {}
export async function popToRoot() {}
export function openCommandPreferences() {}
export function openExtensionPreferences() {}
export function getPreferenceValues<T>(): T {
  return { ...preferences } as T;
}
export function useNavigation() {
  return {
    push: (element: ReactElement) => void recorded.pushed.push(element),
    pop: () => void recorded.pops.push("pop"),
  };
}

/** In-memory versions of Raycast's stores, which @raycast/utils uses for its caches. */
export class Cache {
  private static stores = new Map<string, Map<string, string>>();
  private readonly data: Map<string, string>;
  private readonly listeners = new Set<(key: string | undefined, data: string | undefined) => void>();
  constructor(options?: { namespace?: string }) {
    const name = options?.namespace ?? "default";
    if (!Cache.stores.has(name)) Cache.stores.set(name, new Map());
    this.data = Cache.stores.get(name)!;
  }
  static clearAll() {
    Cache.stores.clear();
  }
  // Arrow properties: @raycast/utils passes these around unbound (useSyncExternalStore).
  get = (key: string) => this.data.get(key);
  has = (key: string) => this.data.has(key);
  set = (key: string, value: string) => {
    this.data.set(key, value);
    for (const listener of this.listeners) listener(key, value);
  };
  remove = (key: string) => {
    const had = this.data.delete(key);
    for (const listener of this.listeners) listener(key, undefined);
    return had;
  };
  clear = () => this.data.clear();
  get isEmpty() {
    return this.data.size === 0;
  }
  subscribe = (listener: (key: string | undefined, data: string | undefined) => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };
}
const storage = new Map<string, string>();
export const LocalStorage = {
  getItem: async (key: string) => storage.get(key),
  setItem: async (key: string, value: string) => void storage.set(key, value),
  removeItem: async (key: string) => void storage.delete(key),
  allItems: async () => Object.fromEntries(storage),
  clear: async () => storage.clear(),
};
export const AI = { ask: async () => "" };
export const OAuth = { PKCEClient: class {} };
