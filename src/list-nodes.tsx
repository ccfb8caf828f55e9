import {
  Action,
  ActionPanel,
  Alert,
  Color,
  confirmAlert,
  Form,
  Icon,
  Keyboard,
  List,
  showToast,
  Toast,
  useNavigation,
} from "@raycast/api";
import { showFailureToast } from "@raycast/utils";
import { useState } from "react";
import { relativeTime } from "../helper/cli/format.js";
import type { Node } from "../helper/protocol/schema.js";
import { HelperUnavailable } from "./components/helper-unavailable.js";
import { useHelper } from "./hooks/use-helper.js";
import { call } from "./lib/helper.js";
import { filterNodes, ipv4, ipv6, sortNodes, type NodeFilter } from "./lib/view-model.js";

export default function ListNodes() {
  const [filter, setFilter] = useState<NodeFilter>("all");
  const { data, isLoading, revalidate, helperDown, error } = useHelper("nodes.list");
  if (helperDown) {
    return (
      <List>
        <HelperUnavailable onStarted={revalidate} />
      </List>
    );
  }
  const nodes = filterNodes(sortNodes(data ?? []), filter);
  return (
    <List
      isLoading={isLoading}
      searchBarPlaceholder="Search nodes by name, user or IP"
      searchBarAccessory={
        <List.Dropdown tooltip="Show" value={filter} onChange={(value) => setFilter(value as NodeFilter)}>
          <List.Dropdown.Item title="All Nodes" value="all" />
          <List.Dropdown.Item title="Online" value="online" />
          <List.Dropdown.Item title="Offline" value="offline" />
        </List.Dropdown>
      }
    >
      {error && !data ? (
        <List.EmptyView icon={Icon.Warning} title="Could not list nodes" description={error.message} />
      ) : (
        <List.EmptyView
          icon={Icon.Network}
          title="No nodes yet"
          description="Mint a client key and run the `tailscale up` line on a device."
        />
      )}
      {nodes.map((node) => (
        <NodeItem key={node.id} node={node} onChange={revalidate} />
      ))}
    </List>
  );
}

function NodeItem({ node, onChange }: { node: Node; onChange: () => void }) {
  const v4 = ipv4(node);
  const v6 = ipv6(node);
  /** Asks first, then does it, reports, and refreshes the list. */
  const destructive = (verb: string, consequence: string, work: () => Promise<unknown>) => async () => {
    const confirmed = await confirmAlert({
      title: `${verb} ${node.givenName}?`,
      message: consequence,
      primaryAction: { title: verb, style: Alert.ActionStyle.Destructive },
    });
    if (!confirmed) return;
    try {
      await work();
      await showToast({ style: Toast.Style.Success, title: `${verb}d ${node.givenName}` });
      onChange();
    } catch (error) {
      await showFailureToast(error, { title: `Could not ${verb.toLowerCase()} ${node.givenName}` });
    }
  };
  return (
    <List.Item
      title={node.givenName}
      subtitle={node.user}
      keywords={[node.name, node.user, ...node.ipAddresses]}
      icon={{ source: Icon.CircleFilled, tintColor: node.online ? Color.Green : Color.SecondaryText }}
      accessories={[
        { text: v4 ?? "" },
        {
          text: node.online ? "online" : relativeTime(node.lastSeen),
          tooltip: `Last seen: ${node.lastSeen ?? "never"}`,
        },
      ]}
      actions={
        <ActionPanel>
          {v4 && <Action.CopyToClipboard title="Copy IPv4 Address" content={v4} />}
          {v6 && <Action.CopyToClipboard title="Copy IPv6 Address" content={v6} />}
          <Action.CopyToClipboard title="Copy Name" content={node.givenName} />
          <Action.Push
            title="Rename Node"
            icon={Icon.Pencil}
            target={<RenameNode node={node} onRenamed={onChange} />}
          />
          <Action
            title="Expire Node"
            icon={Icon.Clock}
            style={Action.Style.Destructive}
            onAction={destructive("Expire", "It must log in again to rejoin.", () =>
              call("nodes.expire", { id: node.id }),
            )}
          />
          <Action
            title="Delete Node"
            icon={Icon.Trash}
            style={Action.Style.Destructive}
            shortcut={Keyboard.Shortcut.Common.Remove}
            onAction={destructive("Delete", "It is removed from the tailnet.", () =>
              call("nodes.delete", { id: node.id }),
            )}
          />
          <Action
            title="Refresh"
            icon={Icon.ArrowClockwise}
            shortcut={Keyboard.Shortcut.Common.Refresh}
            onAction={onChange}
          />
        </ActionPanel>
      }
    />
  );
}

function RenameNode({ node, onRenamed }: { node: Node; onRenamed: () => void }) {
  const { pop } = useNavigation();
  return (
    <Form
      navigationTitle={`Rename ${node.givenName}`}
      actions={
        <ActionPanel>
          <Action.SubmitForm
            title="Rename Node"
            onSubmit={async (values: { name: string }) => {
              try {
                await call("nodes.rename", { id: node.id, name: values.name.trim() });
                await showToast({ style: Toast.Style.Success, title: `Renamed to ${values.name.trim()}` });
                onRenamed();
                pop();
              } catch (error) {
                await showFailureToast(error, { title: "Could not rename the node" });
              }
            }}
          />
        </ActionPanel>
      }
    >
      <Form.TextField
        id="name"
        title="Name"
        defaultValue={node.givenName}
        info="Lower-case letters, digits and dashes"
      />
    </Form>
  );
}
