/** What List Nodes offers for a node's routes and tags (the helper's nodes.routes and nodes.tag). */
import { Action, ActionPanel, Form, Icon } from "@raycast/api";
import { EXIT_ROUTES, type Node } from "../../helper/client/index.js";
import { ChangeForm } from "./change-form.js";
import { nodeName, nodeTags } from "../lib/form-checks.js";
import { runChange } from "../lib/change.js";
import { runConfirmed } from "../lib/confirm.js";
import { call } from "../lib/raycast-client.js";
import { nodeRoutes, parseTags } from "../lib/view-model.js";

/** Either half stands for the exit pair: the helper approves and unapproves both together. */
const [EXIT] = EXIT_ROUTES;

export function RouteActions({ node, onChange }: { node: Node; onChange: () => void }) {
  const { pendingSubnets, approvedSubnets, exitNode } = nodeRoutes(node);
  const name = node.givenName;
  const routes = (change: { approve?: string[]; unapprove?: string[] }) => () =>
    call("nodes.routes", { id: node.id, ...change });
  const approve = (approveRoutes: string[], done: string) => () =>
    runChange({
      work: routes({ approve: approveRoutes }),
      done,
      failed: `Could not approve routes of ${name}`,
      refreshesMenuBar: true,
      then: onChange,
    });
  // Taking a route away cuts off whoever uses it now: asked first, like every destructive action.
  const unapprove = (route: string, question: string, confirm: string, done: string) => () =>
    runConfirmed({
      title: question,
      message: "Devices that reach the tailnet through it lose that way at once.",
      confirm,
      work: routes({ unapprove: [route] }),
      done,
      failed: `Could not change the routes of ${name}`,
      refreshesMenuBar: true,
      then: onChange,
    });
  if (pendingSubnets.length + approvedSubnets.length === 0 && exitNode === "no") return null;
  return (
    <ActionPanel.Section title="Routes">
      {pendingSubnets.length > 1 && (
        <Action
          title="Approve All Waiting Routes"
          icon={Icon.CheckCircle}
          onAction={approve(pendingSubnets, `Approved ${pendingSubnets.length} routes of ${name}`)}
        />
      )}
      {pendingSubnets.map((route) => (
        <Action
          key={`approve ${route}`}
          title={`Approve ${route}`}
          icon={Icon.Check}
          onAction={approve([route], `Approved ${route} on ${name}`)}
        />
      ))}
      {exitNode === "offered" && (
        <Action title="Use as Exit Node" icon={Icon.Globe} onAction={approve([EXIT], `${name} is an exit node`)} />
      )}
      {exitNode === "approved" && (
        <Action
          title="Stop Being Exit Node"
          icon={Icon.XMarkCircle}
          style={Action.Style.Destructive}
          onAction={unapprove(
            EXIT,
            `Stop ${name} being an exit node?`,
            "Stop Exit Node",
            `${name} is no longer an exit node`,
          )}
        />
      )}
      {approvedSubnets.map((route) => (
        <Action
          key={`unapprove ${route}`}
          title={`Unapprove ${route}`}
          icon={Icon.MinusCircle}
          style={Action.Style.Destructive}
          onAction={unapprove(route, `Unapprove ${route} on ${name}?`, "Unapprove", `Unapproved ${route} on ${name}`)}
        />
      ))}
    </ActionPanel.Section>
  );
}

/** Replaces a node's tags. Headscale refuses tags the policy's tagOwners do not name: its reason is the toast. */
export function TagNode({ node, onTagged }: { node: Node; onTagged: () => void }) {
  return (
    <ChangeForm<{ tags: string }, Node>
      title="Set Tags"
      navigationTitle={`Tags of ${node.givenName}`}
      icon={Icon.Tag}
      initialValues={{ tags: node.tags.join(", ") }}
      validation={{ tags: nodeTags }}
      submit={(values) => call("nodes.tag", { id: node.id, tags: parseTags(values.tags) })}
      done={(tagged) => `Tagged ${tagged.givenName}: ${tagged.tags.join(", ")}`}
      failed={`Could not tag ${node.givenName}`}
      onChanged={onTagged}
    >
      {(fields) => (
        <Form.TextField
          title="Tags"
          placeholder="tag:server, tag:media"
          info="Comma-separated; 'server' means tag:server. They replace the node's tags. The policy's tagOwners must name each one."
          {...fields.tags}
        />
      )}
    </ChangeForm>
  );
}

/** Renames a node in Headscale. */
export function RenameNode({ node, onRenamed }: { node: Node; onRenamed: () => void }) {
  return (
    <ChangeForm<{ name: string }, Node>
      title="Rename Node"
      navigationTitle={`Rename ${node.givenName}`}
      icon={Icon.Pencil}
      initialValues={{ name: node.givenName }}
      validation={{ name: nodeName }}
      submit={(values) => call("nodes.rename", { id: node.id, name: values.name.trim() })}
      done={(renamed) => `Renamed to ${renamed.givenName}`}
      failed="Could not rename the node"
      onChanged={onRenamed}
    >
      {(fields) => <Form.TextField title="Name" info="Lower-case letters, digits and dashes" {...fields.name} />}
    </ChangeForm>
  );
}
