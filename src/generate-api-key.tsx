import { Action, ActionPanel, Detail, Form, Icon, useNavigation } from "@raycast/api";
import { useForm } from "@raycast/utils";
import { DEFAULT_API_KEY_EXPIRATION } from "../helper/client/index.js";
import { SubmitPanel } from "./components/actions.js";
import { call, withHeadscale } from "./lib/raycast-client.js";

const EXPIRATIONS = [
  ["7 Days", "7d"],
  ["30 Days", "30d"],
  ["90 Days", "90d"],
  ["1 Year", "365d"],
] as const;

export default function GenerateApiKey() {
  const { push } = useNavigation();
  const { handleSubmit, itemProps } = useForm<{ expiration: string }>({
    initialValues: { expiration: DEFAULT_API_KEY_EXPIRATION },
    onSubmit: withHeadscale("Could not create an API key", async (values: { expiration: string }) => {
      const { apiKey, expiresAt } = await call("apiKeys.create", { expiration: values.expiration });
      push(<GeneratedApiKey apiKey={apiKey} expiresAt={expiresAt} />);
    }),
  });
  return (
    <Form actions={<SubmitPanel title="Generate API Key" icon={Icon.Key} onSubmit={handleSubmit} />}>
      <Form.Dropdown title="Expires In" {...itemProps.expiration}>
        {EXPIRATIONS.map(([title, value]) => (
          <Form.Dropdown.Item key={value} title={title} value={value} />
        ))}
      </Form.Dropdown>
    </Form>
  );
}

export function GeneratedApiKey({ apiKey, expiresAt }: { apiKey: string; expiresAt: string }) {
  return (
    <Detail
      markdown={[
        "# API key created",
        "> **This key is shown once.** Copy it now and keep it somewhere safe: anyone holding it can administer your tailnet.",
        "```\n" + apiKey + "\n```",
        `Expires ${new Date(expiresAt).toLocaleString()}.`,
      ].join("\n\n")}
      actions={
        <ActionPanel>
          <Action.CopyToClipboard title="Copy API Key" content={apiKey} concealed />
        </ActionPanel>
      }
    />
  );
}
