/** Renders a command with react-test-renderer inside act(), and finds what a person would see. */
import type { ReactElement } from "react";
import { act, create, type ReactTestInstance, type ReactTestRenderer } from "react-test-renderer";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export async function render(element: ReactElement): Promise<ReactTestRenderer> {
  let renderer: ReactTestRenderer | undefined;
  await act(async () => {
    renderer = create(element);
  });
  return renderer!;
}

/** Waits (re-rendering in act) until `check` finds something, or fails with what was rendered. */
export async function waitFor<T>(
  renderer: ReactTestRenderer,
  check: (root: ReactTestInstance) => T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = check(renderer.root);
    if (found) return found;
    if (Date.now() > deadline) {
      const types = renderer.root
        .findAll(() => true)
        .map((node) => node.type)
        .filter((type) => typeof type === "string");
      throw new Error(`not rendered in time; rendered: ${types.join(", ")}`);
    }
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
  }
}

export const all = (root: ReactTestInstance, type: string) => root.findAll((node) => node.type === type);
export const byTitle = (root: ReactTestInstance, type: string, title: string) =>
  root.findAll((node) => node.type === type && node.props.title === title)[0];

/** Calls an action's handler inside act, as a click would. */
export async function press(action: ReactTestInstance | undefined, ...args: unknown[]): Promise<void> {
  if (!action) throw new Error("no such action");
  await act(async () => {
    if ((action.type as string) === "Action.CopyToClipboard") {
      const { Clipboard } = await import("@raycast/api");
      await Clipboard.copy(action.props.content);
    } else {
      await (action.props.onAction ?? action.props.onSubmit)(...args);
    }
  });
}

/** Opens what an Action.Push shows (a form, a detail), as choosing the action would. */
export async function openPushed(root: ReactTestInstance, title: string): Promise<ReactTestRenderer> {
  const action = byTitle(root, "Action.Push", title);
  if (!action) throw new Error(`no action "${title}" to push`);
  return render(action.props.target as ReactElement);
}

/** Types into a controlled field: its onChange, inside act, as typing would call it. */
export async function type(field: ReactTestInstance | undefined, text: string): Promise<void> {
  if (!field) throw new Error("no such field");
  await act(async () => {
    field.props.onChange(text);
  });
}

/** A form field by its id, as useForm's item props name it. */
export const field = (root: ReactTestInstance, id: string) =>
  root.findAll((node) => typeof node.type === "string" && node.type.startsWith("Form.") && node.props.id === id)[0];

/** Leaves a field, as moving to the next one would: useForm checks it then. */
export async function leave(found: ReactTestInstance | undefined): Promise<void> {
  if (!found) throw new Error("no such field");
  await act(async () => {
    found.props.onBlur?.({ target: { id: found.props.id, value: found.props.value } });
  });
}

/** What Raycast submits: every field's current value by its id. */
export function formValues(root: ReactTestInstance): Record<string, unknown> {
  const fields = root.findAll(
    (node) => typeof node.type === "string" && node.type.startsWith("Form.") && typeof node.props.id === "string",
  );
  return Object.fromEntries(fields.map((node) => [node.props.id, node.props.value ?? node.props.defaultValue]));
}

/** Presses a form's submit action with what its fields hold, as pressing ⌘↵ would. */
export async function submit(root: ReactTestInstance, title: string): Promise<void> {
  await press(byTitle(root, "Action.SubmitForm", title), formValues(root));
}
