import { Clipboard, Form, Icon } from "@raycast/api";
import { useEffect, useState } from "react";
import { HelperUnavailable } from "./components/helper-unavailable.js";
import { SubmitPanel } from "./components/actions.js";
import { OWN_USER, UserDropdown } from "./components/user-dropdown.js";
import { useHelper } from "./hooks/use-helper.js";
import { runChange } from "./lib/change.js";
import { call } from "./lib/raycast-client.js";
import { findAuthId, ipv4, registrationFromClipboard } from "./lib/view-model.js";

interface Values {
  key: string;
  user: string;
}

const NO_KEY = "Paste the URL the device printed (…/register/hskey-authreq-…) or the key in it";

/** A device that ran `tailscale up` without a key waits for this: its URL, and whose it is. */
export default function RegisterDevice() {
  const users = useHelper("users.list");
  const [key, setKey] = useState("");
  const [keyError, setKeyError] = useState<string>();
  useEffect(() => {
    // Most people copy the URL from the device's terminal and then open this command.
    Clipboard.readText()
      .then((text) => {
        const found = registrationFromClipboard(text);
        if (found) setKey((typed) => typed || found);
      })
      .catch(() => {});
  }, []);
  if (users.helperDown) {
    return <HelperUnavailable onStarted={users.revalidate} />;
  }
  const submit = async (values: Values) => {
    if (!findAuthId(values.key)) {
      setKeyError(NO_KEY);
      return;
    }
    await runChange({
      work: () => call("nodes.register", { key: values.key, user: values.user === OWN_USER ? undefined : values.user }),
      done: (node) => `Registered ${node.givenName} (${ipv4(node) ?? node.ipAddresses[0] ?? "no IP yet"})`,
      failed: "Could not register the device",
      refreshesMenuBar: true,
      then: () => setKey(""),
    });
  };
  return (
    <Form actions={<SubmitPanel title="Register Device" icon={Icon.PlusCircle} onSubmit={submit} />}>
      <Form.TextField
        id="key"
        title="Registration URL"
        placeholder="http://…/register/hskey-authreq-…"
        info="What the device printed after `tailscale up` without a key: the URL, the key in it, or the whole message"
        value={key}
        error={keyError}
        onChange={(text) => {
          setKey(text);
          setKeyError(undefined);
        }}
      />
      <UserDropdown id="user" info="Whose device it is. My Own User is the user of the helper's own account." />
    </Form>
  );
}
