import { Action, ActionPanel, Color, Detail, Form, Icon, List, useNavigation } from "@raycast/api";
import { useForm } from "@raycast/utils";
import { formatBytes, relativeTime } from "../helper/client/index.js";
import { RefreshAction } from "./components/actions.js";
import { EmptyList } from "./components/empty-list.js";
import { HelperUnavailable } from "./components/helper-unavailable.js";
import { useHelper } from "./hooks/use-helper.js";
import { runChange } from "./lib/change.js";
import { runConfirmed } from "./lib/confirm.js";
import { call } from "./lib/raycast-client.js";
import { codeBlock } from "./lib/view-model.js";

const NO_POLICY =
  "No policy is set: every device may reach every other (Headscale's default). Edit it to write the first one.";

export default function AclPolicy() {
  const { data, isLoading, revalidate, helperDown, error } = useHelper("policy.get");
  if (helperDown) {
    return <HelperUnavailable onStarted={revalidate} />;
  }
  const markdown = data
    ? ["# ACL Policy", data.policy.trim() ? codeBlock(data.policy, "json") : NO_POLICY].join("\n\n")
    : error
      ? `# Could not read the policy\n\n${error.message}`
      : "";
  return (
    <Detail
      isLoading={isLoading}
      markdown={markdown}
      metadata={
        data && (
          <Detail.Metadata>
            <Detail.Metadata.Label title="Version" text={data.version !== null ? String(data.version) : "not kept"} />
            <Detail.Metadata.Label title="Updated" text={relativeTime(data.updatedAt)} />
          </Detail.Metadata>
        )
      }
      actions={
        <ActionPanel>
          {data && (
            <Action.Push
              title="Edit Policy"
              icon={Icon.Pencil}
              target={<EditPolicy initial={data.policy} onApplied={revalidate} />}
            />
          )}
          <Action.Push title="Show History" icon={Icon.Clock} target={<PolicyHistory onRolledBack={revalidate} />} />
          <RollBackAction onRolledBack={revalidate} />
          {data && <Action.CopyToClipboard title="Copy Policy" content={data.policy} />}
          <RefreshAction onRefresh={revalidate} />
        </ActionPanel>
      }
    />
  );
}

/**
 * The policy as text. Nothing typed is lost: a policy Headscale rejects leaves the form as it
 * was, with Headscale's line, column and reason on the field.
 */
function EditPolicy({ initial, onApplied }: { initial: string; onApplied: () => void }) {
  const { pop } = useNavigation();
  // No check of its own: only Headscale knows a valid policy (an empty one is valid). Its reason goes on the field.
  const { itemProps, setValidationError } = useForm<{ policy: string }>({
    initialValues: { policy: initial },
    onSubmit: () => {},
  });
  const onFailure = (error: Error) => setValidationError("policy", error.message);
  const check = async ({ policy }: { policy: string }) => {
    await runChange({
      work: () => call("policy.check", { policy }),
      done: "Headscale accepts this policy",
      failed: "Headscale rejects this policy",
      onFailure,
    });
  };
  const apply = async ({ policy }: { policy: string }) => {
    await runChange({
      work: () => call("policy.set", { policy }),
      done: (applied) => `Applied policy version ${applied.version}`,
      failed: "The policy was not applied",
      // A policy can change which routes and tags are allowed: the menu bar's numbers follow.
      refreshesMenuBar: true,
      onFailure,
      then: () => {
        onApplied();
        pop();
      },
    });
  };
  return (
    <Form
      navigationTitle="Edit ACL Policy"
      actions={
        <ActionPanel>
          <Action.SubmitForm title="Apply Policy" icon={Icon.Check} onSubmit={apply} />
          <Action.SubmitForm title="Check Policy" icon={Icon.MagnifyingGlass} onSubmit={check} />
        </ActionPanel>
      }
    >
      <Form.TextArea
        title="Policy"
        info="HuJSON: JSON with comments and trailing commas. Headscale checks it before it applies."
        {...itemProps.policy}
      />
    </Form>
  );
}

/** Back to an earlier policy: the given version, or the newest one that differs from the current policy. */
function RollBackAction({ version, onRolledBack }: { version?: number; onRolledBack: () => void }) {
  const which = version === undefined ? "the previous policy" : `version ${version}`;
  return (
    <Action
      title={version === undefined ? "Roll Back to Previous" : "Roll Back to This Version"}
      icon={Icon.ArrowCounterClockwise}
      style={Action.Style.Destructive}
      onAction={() =>
        runConfirmed({
          title: `Roll back to ${which}?`,
          message: "It replaces the current policy at once; the current one stays in the history.",
          confirm: "Roll Back",
          work: () => call("policy.rollback", version === undefined ? undefined : { version }),
          done: (applied) => `Rolled back: the policy is version ${applied.version}`,
          failed: `Could not roll back to ${which}`,
          refreshesMenuBar: true,
          then: onRolledBack,
        })
      }
    />
  );
}

function PolicyHistory({ onRolledBack }: { onRolledBack: () => void }) {
  const history = useHelper("policy.history");
  const current = useHelper("policy.get");
  const refresh = () => {
    history.revalidate();
    current.revalidate();
    onRolledBack();
  };
  const versions = [...(history.data ?? [])].reverse();
  return (
    <List navigationTitle="ACL Policy History" isLoading={history.isLoading || current.isLoading}>
      <EmptyList
        failure={history.data ? undefined : history.error}
        failureTitle="Could not read the history"
        icon={Icon.Clock}
        title="No versions kept yet"
        description="Every policy applied through Headscale Remote is kept here (the last 20)."
      />
      {versions.map((kept) => {
        const isCurrent = kept.version === current.data?.version;
        return (
          <List.Item
            key={kept.version}
            title={`Version ${kept.version}`}
            subtitle={relativeTime(kept.savedAt)}
            icon={isCurrent ? { source: Icon.CheckCircle, tintColor: Color.Green } : Icon.Document}
            accessories={[
              ...(isCurrent ? [{ tag: { value: "current", color: Color.Green } }] : []),
              { text: formatBytes(kept.bytes), tooltip: `Saved ${kept.savedAt}` },
            ]}
            actions={
              <ActionPanel>
                {!isCurrent && <RollBackAction version={kept.version} onRolledBack={refresh} />}
                <RollBackAction onRolledBack={refresh} />
                <RefreshAction onRefresh={refresh} />
              </ActionPanel>
            }
          />
        );
      })}
    </List>
  );
}
