import { Clipboard, Form, Icon } from "@raycast/api";
import { useForm } from "@raycast/utils";
import { useEffect } from "react";
import { HelperUnavailable } from "./components/helper-unavailable.js";
import { SubmitPanel } from "./components/actions.js";
import { OWN_USER, UserDropdown } from "./components/user-dropdown.js";
import { useHelper } from "./hooks/use-helper.js";
import { runChange } from "./lib/change.js";
import { registration } from "./lib/form-checks.js";
import { argument, type WithArguments } from "./lib/launch-arguments.js";
import { call } from "./lib/raycast-client.js";
import { ipv4, registrationFromClipboard } from "./lib/view-model.js";

interface Values {
  key: string;
  user: string;
}

/** A device that ran `tailscale up` without a key waits for this: its URL, and whose it is. */
export default function RegisterDevice(props: WithArguments<{ url: string }>) {
  const users = useHelper("users.list");
  const typed = argument(props, "url");
  const form = useForm<Values>({
    initialValues: { key: typed ?? "", user: OWN_USER },
    validation: { key: registration },
    onSubmit: (values) =>
      runChange({
        work: () =>
          call("nodes.register", { key: values.key, user: values.user === OWN_USER ? undefined : values.user }),
        done: (node) => `Registered ${node.givenName} (${ipv4(node) ?? node.ipAddresses[0] ?? "no IP yet"})`,
        failed: "Could not register the device",
        refreshesMenuBar: true,
        // Cleared, so the same URL is not sent twice.
        then: () => form.setValue("key", ""),
      }),
  });
  useEffect(() => {
    // Most people copy the URL from the device's terminal and then open this command.
    if (typed) return;
    Clipboard.readText()
      .then((text) => {
        const found = registrationFromClipboard(text);
        if (found) form.setValue("key", (current) => current || found);
      })
      .catch(() => {});
  }, []);
  if (users.helperDown) {
    return <HelperUnavailable onStarted={users.revalidate} />;
  }
  return (
    <Form actions={<SubmitPanel title="Register Device" icon={Icon.PlusCircle} onSubmit={form.handleSubmit} />}>
      <Form.TextField
        title="Registration URL"
        placeholder="http://…/register/hskey-authreq-…"
        info="What the device printed after `tailscale up` without a key: the URL, the key in it, or the whole message"
        {...form.itemProps.key}
      />
      <UserDropdown
        info="Whose device it is. My Own User is the user of the helper's own account."
        {...form.itemProps.user}
      />
    </Form>
  );
}
