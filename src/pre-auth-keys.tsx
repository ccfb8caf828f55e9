import { Action, ActionPanel, Color, Form, Icon, Keyboard, List, useNavigation } from "@raycast/api";
import { useForm } from "@raycast/utils";
import { relativeTime, type ResultOf } from "../helper/client/index.js";
import { SubmitPanel, RefreshAction } from "./components/actions.js";
import { EmptyList } from "./components/empty-list.js";
import { HelperUnavailable } from "./components/helper-unavailable.js";
import { OneTimeKey } from "./components/one-time-key.js";
import { OWN_USER, UserDropdown } from "./components/user-dropdown.js";
import { useHelper } from "./hooks/use-helper.js";
import { runChange } from "./lib/change.js";
import { runConfirmed } from "./lib/confirm.js";
import { expiration, keyTags } from "./lib/form-checks.js";
import { call } from "./lib/raycast-client.js";
import { keyState, parseTags, sortKeys, type KeyState } from "./lib/view-model.js";

type PreAuthKey = ResultOf<"preAuthKeys.list">[number];
type CreatedKey = ResultOf<"preAuthKeys.create">;

const STATE_ICON: Record<KeyState, { source: Icon; tintColor: Color }> = {
  usable: { source: Icon.Key, tintColor: Color.Green },
  used: { source: Icon.Key, tintColor: Color.SecondaryText },
  expired: { source: Icon.Key, tintColor: Color.Red },
};

export default function PreAuthKeys() {
  const { data, isLoading, revalidate, helperDown, error } = useHelper("preAuthKeys.list");
  if (helperDown) {
    return <HelperUnavailable onStarted={revalidate} />;
  }
  const create = (
    <Action.Push
      title="Create Pre-Auth Key"
      icon={Icon.Plus}
      shortcut={Keyboard.Shortcut.Common.New}
      target={<CreateKey onCreated={revalidate} />}
    />
  );
  return (
    <List isLoading={isLoading} searchBarPlaceholder="Search keys by device, user or tag">
      <EmptyList
        failure={data ? undefined : error}
        failureTitle="Could not list pre-auth keys"
        icon={Icon.Key}
        title="No pre-auth keys"
        description="Create one with options, or mint one per device with Mint Client Key."
        actions={<ActionPanel>{create}</ActionPanel>}
      />
      {sortKeys(data ?? []).map((key) => (
        <KeyItem key={key.id} preAuthKey={key} create={create} onChange={revalidate} />
      ))}
    </List>
  );
}

function KeyItem(props: { preAuthKey: PreAuthKey; create: React.ReactNode; onChange: () => void }) {
  const key = props.preAuthKey;
  const state = keyState(key);
  const flags = [key.reusable ? "reusable" : "single use", key.ephemeral && "ephemeral", key.used && "used"];
  const expire = () =>
    runConfirmed({
      title: `Expire key ${key.id}?`,
      message: "Devices can no longer join with it; those that joined stay.",
      confirm: "Expire Key",
      work: () => call("preAuthKeys.expire", { id: key.id }),
      done: `Expired key ${key.id}`,
      failed: `Could not expire key ${key.id}`,
      then: props.onChange,
    });
  return (
    <List.Item
      title={key.device ?? `Key ${key.id}`}
      subtitle={key.user ?? "tagged devices"}
      keywords={[key.id, ...(key.user ? [key.user] : []), ...key.aclTags]}
      icon={STATE_ICON[state]}
      accessories={[
        ...key.aclTags.map((tag) => ({ tag: { value: tag, color: Color.Purple } })),
        { text: flags.filter(Boolean).join(" · ") },
        {
          text: state === "expired" ? "expired" : `expires ${relativeTime(key.expiration)}`,
          tooltip: `Expires: ${key.expiration ?? "never"}`,
        },
      ]}
      actions={
        <ActionPanel>
          {props.create}
          {state !== "expired" && (
            <Action title="Expire Key" icon={Icon.Clock} style={Action.Style.Destructive} onAction={expire} />
          )}
          <Action.CopyToClipboard title="Copy Key ID" content={key.id} />
          <RefreshAction onRefresh={props.onChange} />
        </ActionPanel>
      }
    />
  );
}

interface Values {
  user: string;
  reusable: boolean;
  ephemeral: boolean;
  tags: string;
  expiration: string;
}

/** The dropdown's value for a key that belongs to no user: its devices belong to its tags. */
const TAGS_ONLY = "tags-only";

function CreateKey({ onCreated }: { onCreated: () => void }) {
  const { push } = useNavigation();
  const { handleSubmit, itemProps } = useForm<Values>({
    initialValues: { user: OWN_USER, reusable: false, ephemeral: false, tags: "", expiration: "" },
    validation: { tags: keyTags, expiration },
    onSubmit: (values) =>
      runChange({
        work: () =>
          call("preAuthKeys.create", {
            user: values.user === OWN_USER ? undefined : values.user === TAGS_ONLY ? null : values.user,
            reusable: values.reusable,
            ephemeral: values.ephemeral,
            tags: parseTags(values.tags),
            expiration: values.expiration.trim() || undefined,
          }),
        done: (created) => `Created key ${created.id}`,
        failed: "Could not create the key",
        then: (created) => {
          onCreated();
          push(<CreatedKeyView created={created} />);
        },
      }),
  });
  return (
    <Form
      navigationTitle="Create Pre-Auth Key"
      actions={<SubmitPanel title="Create Pre-Auth Key" icon={Icon.Key} onSubmit={handleSubmit} />}
    >
      <UserDropdown extra={{ value: TAGS_ONLY, title: "No User (Tagged Devices Only)" }} {...itemProps.user} />
      <Form.Checkbox label="Reusable" info="Joins any number of devices until it expires" {...itemProps.reusable} />
      <Form.Checkbox
        label="Ephemeral"
        info="Its devices leave the tailnet once they go offline"
        {...itemProps.ephemeral}
      />
      <Form.TextField
        title="Tags"
        placeholder="tag:server, tag:media"
        info="Devices join as tagged nodes; the policy's tagOwners must name each tag"
        {...itemProps.tags}
      />
      <Form.TextField
        title="Expires In"
        placeholder="e.g. 1h, 7d (empty: the helper's clientKeyExpiration)"
        {...itemProps.expiration}
      />
    </Form>
  );
}

function CreatedKeyView({ created }: { created: CreatedKey }) {
  return (
    <OneTimeKey
      heading="New pre-auth key"
      note="Shown once here: copy it now. The list shows the key, never its secret."
      preAuthKey={created.preAuthKey}
      coordinationUrl={created.coordinationUrl}
      labels={[
        ["User", created.user ?? "none (tagged devices)"],
        ["Reusable", created.reusable ? "Yes" : "No"],
        ["Ephemeral", created.ephemeral ? "Yes" : "No"],
        ["Tags", created.tags.join(", ") || "none"],
        ["Expires", new Date(created.expiresAt).toLocaleString()],
      ]}
    />
  );
}
