/** Actions that several views offer, so each looks and is reached the same way everywhere. */
import { Action, ActionPanel, Icon, Keyboard, type Form, type Image } from "@raycast/api";
import { copyAllLogs } from "../lib/copy-logs.js";

const { Copy, Refresh, Remove } = Keyboard.Shortcut.Common;

export function RefreshAction({ onRefresh }: { onRefresh: () => void }) {
  return <Action title="Refresh" icon={Icon.ArrowClockwise} shortcut={Refresh} onAction={onRefresh} />;
}

/** Destructive: the caller's handler asks before it removes anything. */
export function RemoveAction({ title, onRemove }: { title: string; onRemove: () => void }) {
  return (
    <Action title={title} icon={Icon.Trash} style={Action.Style.Destructive} shortcut={Remove} onAction={onRemove} />
  );
}

/** The helper's whole log buffer, from the logs view and the status view. */
export function CopyLogsAction() {
  return <Action title="Copy Logs" icon={Icon.CopyClipboard} shortcut={Copy} onAction={copyAllLogs} />;
}

/** A form's only action: submit it. */
export function SubmitPanel<T extends Form.Values>(props: {
  title: string;
  icon?: Image.ImageLike;
  onSubmit: (values: T) => boolean | void | Promise<boolean | void>;
}) {
  return (
    <ActionPanel>
      <Action.SubmitForm<T> title={props.title} icon={props.icon} onSubmit={props.onSubmit} />
    </ActionPanel>
  );
}
