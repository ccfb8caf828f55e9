import { Action, ActionPanel, Detail } from "@raycast/api";
import { tailscaleUpCommand } from "../../helper/client/index.js";
import { codeBlock } from "../lib/view-model.js";

/** A pre-auth key the helper hands out once: the `tailscale up` line first, and copies of each part. */
export function OneTimeKey(props: {
  heading: string;
  note: string;
  preAuthKey: string;
  coordinationUrl: string;
  /** Title and text of each metadata label, in order. */
  labels: [string, string][];
}) {
  const command = tailscaleUpCommand(props);
  return (
    <Detail
      markdown={[`# ${props.heading}`, props.note, codeBlock(command)].join("\n\n")}
      metadata={
        <Detail.Metadata>
          {props.labels.map(([title, text]) => (
            <Detail.Metadata.Label key={title} title={title} text={text} />
          ))}
          <Detail.Metadata.Label title="Coordination URL" text={props.coordinationUrl} />
        </Detail.Metadata>
      }
      actions={
        <ActionPanel>
          <Action.CopyToClipboard title="Copy Tailscale Command" content={command} />
          <Action.CopyToClipboard title="Copy Pre-Auth Key" content={props.preAuthKey} concealed />
          <Action.CopyToClipboard title="Copy Coordination URL" content={props.coordinationUrl} />
        </ActionPanel>
      }
    />
  );
}
