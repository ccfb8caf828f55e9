import { Action, ActionPanel, Form, Icon, Keyboard, List } from "@raycast/api";
import { ChangeForm } from "./components/change-form.js";
import { EmptyList } from "./components/empty-list.js";
import { HelperUnavailable } from "./components/helper-unavailable.js";
import { RefreshAction, RemoveAction } from "./components/actions.js";
import { useHelper } from "./hooks/use-helper.js";
import { runChange } from "./lib/change.js";
import { ask } from "./lib/confirm.js";
import { userName } from "./lib/form-checks.js";
import { call } from "./lib/raycast-client.js";
import { nodesPerUser, plural, sortUsers } from "./lib/view-model.js";
import type { ResultOf } from "../helper/client/index.js";

type User = ResultOf<"users.list">[number];
const NAME_RULE = "A letter first, then letters, digits, '-', '.', '_' or one '@'";

export default function ManageUsers() {
  const users = useHelper("users.list");
  // One listing for every user's count: cheap next to a call per user.
  const nodes = useHelper("nodes.list");
  const refresh = () => {
    users.revalidate();
    nodes.revalidate();
  };
  if (users.helperDown) {
    return <HelperUnavailable onStarted={refresh} />;
  }
  const counts = nodesPerUser(nodes.data ?? []);
  const create = (
    <Action.Push
      title="Create User"
      icon={Icon.AddPerson}
      shortcut={Keyboard.Shortcut.Common.New}
      target={<CreateUser onCreated={refresh} />}
    />
  );
  return (
    <List isLoading={users.isLoading || nodes.isLoading} searchBarPlaceholder="Search users">
      <EmptyList
        failure={users.data ? undefined : users.error}
        failureTitle="Could not list users"
        icon={Icon.PersonCircle}
        title="No users yet"
        description="Create one; minting a client key also creates its account's user."
        actions={<ActionPanel>{create}</ActionPanel>}
      />
      {sortUsers(users.data ?? []).map((user) => (
        <UserItem
          key={user.id}
          user={user}
          nodes={counts.get(user.name)}
          countsKnown={nodes.data !== undefined}
          create={create}
          onChange={refresh}
        />
      ))}
    </List>
  );
}

function UserItem(props: {
  user: User;
  nodes: { total: number; owned: number } | undefined;
  countsKnown: boolean;
  create: React.ReactNode;
  onChange: () => void;
}) {
  const { user, onChange } = props;
  const owned = props.nodes?.owned ?? 0;
  const remove = async () => {
    const yes = await ask({
      title: `Delete user ${user.name}?`,
      message: "Its pre-auth keys stop working.",
      confirm: "Delete User",
    });
    if (!yes) return;
    // Said separately: deleting the user's devices too is the part that cannot be undone.
    if (owned > 0) {
      const alsoNodes = await ask({
        title: `Also delete ${plural(owned, "node")}?`,
        message: `${user.name} owns ${plural(owned, "node")}: they are deleted from the tailnet with the user.`,
        confirm: `Delete User and ${plural(owned, "Node")}`,
      });
      if (!alsoNodes) return;
    }
    await runChange({
      work: () => call("users.delete", { name: user.name, force: owned > 0 }),
      done: (result) =>
        `Deleted ${user.name}${result.deletedNodes ? ` and ${plural(result.deletedNodes, "node")}` : ""}`,
      failed: `Could not delete ${user.name}`,
      refreshesMenuBar: true,
      then: onChange,
    });
  };
  return (
    <List.Item
      title={user.name}
      icon={Icon.Person}
      accessories={[
        ...(props.countsKnown ? [{ text: plural(props.nodes?.total ?? 0, "node"), icon: Icon.Network }] : []),
        ...(user.createdAt ? [{ date: new Date(user.createdAt), tooltip: `Created ${user.createdAt}` }] : []),
      ]}
      actions={
        <ActionPanel>
          <Action.CopyToClipboard title="Copy Name" content={user.name} />
          <Action.Push
            title="Rename User"
            icon={Icon.Pencil}
            shortcut={Keyboard.Shortcut.Common.Edit}
            target={<RenameUser user={user} onRenamed={onChange} />}
          />
          {props.create}
          <RemoveAction title="Delete User" onRemove={remove} />
          <RefreshAction onRefresh={onChange} />
        </ActionPanel>
      }
    />
  );
}

function CreateUser({ onCreated }: { onCreated: () => void }) {
  return (
    <ChangeForm<{ name: string }, User>
      title="Create User"
      icon={Icon.AddPerson}
      initialValues={{ name: "" }}
      validation={{ name: userName }}
      submit={(values) => call("users.create", { name: values.name.trim() })}
      done={(user) => `Created ${user.name}`}
      failed="Could not create the user"
      onChanged={onCreated}
    >
      {(fields) => <Form.TextField title="Name" placeholder="dana" info={NAME_RULE} {...fields.name} />}
    </ChangeForm>
  );
}

function RenameUser({ user, onRenamed }: { user: User; onRenamed: () => void }) {
  return (
    <ChangeForm<{ newName: string }, User>
      title="Rename User"
      navigationTitle={`Rename ${user.name}`}
      icon={Icon.Pencil}
      initialValues={{ newName: user.name }}
      validation={{ newName: userName }}
      submit={(values) => call("users.rename", { name: user.name, newName: values.newName.trim() })}
      done={(renamed) => `Renamed ${user.name} to ${renamed.name}`}
      failed={`Could not rename ${user.name}`}
      onChanged={onRenamed}
    >
      {(fields) => <Form.TextField title="New Name" info={NAME_RULE} {...fields.newName} />}
    </ChangeForm>
  );
}
