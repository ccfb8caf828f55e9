import { Action, ActionPanel, Detail, Form, Icon, showToast, Toast, useNavigation } from "@raycast/api";
import { showFailureToast } from "@raycast/utils";
import { userInfo } from "node:os";
import type { MintResult } from "../helper/protocol/schema.js";
import { call, ensureHeadscale } from "./lib/helper.js";
import { tailscaleUpCommand } from "./lib/view-model.js";

interface Values {
  deviceId: string;
  deviceName: string;
  account: string;
}

export default function MintClientKey() {
  const { push } = useNavigation();
  return (
    <Form
      actions={
        <ActionPanel>
          <Action.SubmitForm
            title="Mint Client Key"
            icon={Icon.Key}
            onSubmit={async (values: Values) => {
              if (!values.deviceId.trim()) {
                await showToast({ style: Toast.Style.Failure, title: "Device identifier is required" });
                return;
              }
              try {
                await ensureHeadscale();
                const result = await call("preAuthKeys.mint", {
                  deviceId: values.deviceId.trim(),
                  deviceName: values.deviceName.trim() || undefined,
                  account: values.account.trim() || undefined,
                });
                push(<MintedKey result={result} />);
              } catch (error) {
                await showFailureToast(error, { title: "Could not mint a key" });
              }
            }}
          />
        </ActionPanel>
      }
    >
      <Form.TextField id="deviceId" title="Device Identifier" placeholder="a stable id, e.g. the device's serial" />
      <Form.TextField id="deviceName" title="Device Name" placeholder="Living Room TV" />
      <Form.TextField
        id="account"
        title="Account"
        defaultValue={userInfo().username}
        info="Each account gets its own Headscale user"
      />
    </Form>
  );
}

export function MintedKey({ result }: { result: MintResult }) {
  const command = tailscaleUpCommand(result);
  const markdown = [
    `# ${result.reused ? "Existing key reused" : "New client key"}`,
    result.reused
      ? "This device already had a key that is still valid, so it gets the same one again."
      : "Shown once here: copy it now.",
    "```\n" + command + "\n```",
  ].join("\n\n");
  return (
    <Detail
      markdown={markdown}
      metadata={
        <Detail.Metadata>
          <Detail.Metadata.Label title="Device" text={result.deviceId} />
          <Detail.Metadata.Label title="User" text={result.user} />
          <Detail.Metadata.Label title="Expires" text={new Date(result.expiresAt).toLocaleString()} />
          <Detail.Metadata.Label title="Coordination URL" text={result.coordinationUrl} />
        </Detail.Metadata>
      }
      actions={
        <ActionPanel>
          <Action.CopyToClipboard title="Copy Tailscale Command" content={command} />
          <Action.CopyToClipboard title="Copy Pre-Auth Key" content={result.preAuthKey} concealed />
          <Action.CopyToClipboard title="Copy Coordination URL" content={result.coordinationUrl} />
        </ActionPanel>
      }
    />
  );
}
