import { Action, ActionPanel, Detail } from "@raycast/api";
import { usePromise } from "@raycast/utils";
import { isLoopback, tailscaleUpCommand } from "../../helper/client/index.js";
import { qrCodeDataUri, qrCodeMarkdown } from "../lib/qr-code.js";
import { codeBlock } from "../lib/view-model.js";

/**
 * A pre-auth key the helper hands out once: the `tailscale up` line first, the server URL as a
 * QR code for phones under it, and copies of each part.
 */
export function OneTimeKey(props: {
  heading: string;
  note: string;
  preAuthKey: string;
  coordinationUrl: string;
  /** Title and text of each metadata label, in order. */
  labels: [string, string][];
}) {
  const command = tailscaleUpCommand(props);
  // Drawn in a moment, locally; the key is never in it, only the server URL.
  const { data: qr, isLoading } = usePromise(qrCodeDataUri, [props.coordinationUrl], { onError: () => {} });
  // The Tailscale apps scan no codes: the camera reads the URL, to paste as the custom coordination server.
  const onlyHere = isLoopback(new URL(props.coordinationUrl).hostname.replace(/^\[|\]$/g, ""));
  const phone = qr
    ? [
        onlyHere
          ? "**This URL works on this computer only.** For a phone, choose Local Network or Internet in Server Settings."
          : "**On a phone**, scan the server URL with the camera and paste it as the Tailscale app's custom coordination server:",
        qrCodeMarkdown(qr, `QR code of ${props.coordinationUrl}`),
      ]
    : [];
  return (
    <Detail
      isLoading={isLoading}
      markdown={[`# ${props.heading}`, props.note, codeBlock(command), ...phone].join("\n\n")}
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
