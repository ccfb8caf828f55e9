import { Action, ActionPanel, Color, Icon, Keyboard, List } from "@raycast/api";
import { useState } from "react";
import { relativeTime, type Node } from "../helper/client/index.js";
import { HelperUnavailable } from "./components/helper-unavailable.js";
import { RefreshAction, RemoveAction } from "./components/actions.js";
import { EmptyList } from "./components/empty-list.js";
import { RenameNode, RouteActions, TagNode } from "./components/node-actions.js";
import { useHelper } from "./hooks/use-helper.js";
import { runConfirmed } from "./lib/confirm.js";
import { call } from "./lib/raycast-client.js";
import { filterNodes, ipv4, ipv6, nodeRoutes, routesWaiting, sortNodes, type NodeFilter } from "./lib/view-model.js";

const { Copy, CopyName, Edit } = Keyboard.Shortcut.Common;

export default function ListNodes() {
  const [filter, setFilter] = useState<NodeFilter>("all");
  const { data, isLoading, revalidate, helperDown, error } = useHelper("nodes.list");
  if (helperDown) {
    return <HelperUnavailable onStarted={revalidate} />;
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
          <List.Dropdown.Item title="Routes Waiting" value="routes" />
        </List.Dropdown>
      }
    >
      <EmptyList
        failure={data ? undefined : error}
        failureTitle="Could not list nodes"
        icon={Icon.Network}
        title="No nodes yet"
        description="Mint a client key and run the `tailscale up` line on a device."
      />
      {nodes.map((node) => (
        <NodeItem key={node.id} node={node} onChange={revalidate} />
      ))}
    </List>
  );
}

function NodeItem({ node, onChange }: { node: Node; onChange: () => void }) {
  const v4 = ipv4(node);
  const v6 = ipv6(node);
  const destructive = (verb: string, message: string, work: () => Promise<unknown>) => async () => {
    await runConfirmed({
      title: `${verb} ${node.givenName}?`,
      message,
      confirm: verb,
      work,
      done: `${verb}d ${node.givenName}`,
      failed: `Could not ${verb.toLowerCase()} ${node.givenName}`,
      refreshesMenuBar: true,
      then: onChange,
    });
  };
  const { pending, exitNode } = nodeRoutes(node);
  return (
    <List.Item
      title={node.givenName}
      subtitle={node.user}
      keywords={[node.name, node.user, ...node.ipAddresses, ...node.tags]}
      icon={{ source: Icon.CircleFilled, tintColor: node.online ? Color.Green : Color.SecondaryText }}
      accessories={[
        ...(pending.length > 0
          ? [{ tag: { value: routesWaiting(pending.length), color: Color.Orange }, tooltip: pending.join(", ") }]
          : []),
        ...(exitNode === "approved" ? [{ tag: { value: "exit node", color: Color.Blue } }] : []),
        ...node.tags.map((tag) => ({ tag: { value: tag, color: Color.Purple } })),
        { text: v4 ?? "" },
        {
          text: node.online ? "online" : relativeTime(node.lastSeen),
          tooltip: `Last seen: ${node.lastSeen ?? "never"}`,
        },
      ]}
      actions={
        <ActionPanel>
          {v4 && <Action.CopyToClipboard title="Copy IPv4 Address" content={v4} shortcut={Copy} />}
          {v6 && <Action.CopyToClipboard title="Copy IPv6 Address" content={v6} shortcut={v4 ? undefined : Copy} />}
          <Action.CopyToClipboard title="Copy Name" content={node.givenName} shortcut={CopyName} />
          <Action.Push
            title="Rename Node"
            icon={Icon.Pencil}
            shortcut={Edit}
            target={<RenameNode node={node} onRenamed={onChange} />}
          />
          <Action.Push title="Set Tags" icon={Icon.Tag} target={<TagNode node={node} onTagged={onChange} />} />
          <Action
            title="Expire Node"
            icon={Icon.Clock}
            style={Action.Style.Destructive}
            onAction={destructive("Expire", "It must log in again to rejoin.", () =>
              call("nodes.expire", { id: node.id }),
            )}
          />
          <RemoveAction
            title="Delete Node"
            onRemove={destructive("Delete", "It is removed from the tailnet.", () =>
              call("nodes.delete", { id: node.id }),
            )}
          />
          <RefreshAction onRefresh={onChange} />
          <RouteActions node={node} onChange={onChange} />
        </ActionPanel>
      }
    />
  );
}
