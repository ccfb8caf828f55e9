import { Form, Icon, showToast, Toast, useNavigation } from "@raycast/api";
import { userInfo } from "node:os";
import type { MintResult } from "../helper/client/index.js";
import { SubmitPanel } from "./components/actions.js";
import { OneTimeKey } from "./components/one-time-key.js";
import { call, withHeadscale } from "./lib/raycast-client.js";

interface Values {
  deviceId: string;
  deviceName: string;
  account: string;
}

export default function MintClientKey() {
  const { push } = useNavigation();
  const mint = withHeadscale("Could not mint a key", async (values: Values) => {
    const result = await call("preAuthKeys.mint", {
      deviceId: values.deviceId.trim(),
      deviceName: values.deviceName.trim() || undefined,
      account: values.account.trim() || undefined,
    });
    push(<MintedKey result={result} />);
  });
  const submit = async (values: Values) => {
    // Checked before anything starts: a blank identifier never needs Headscale.
    if (values.deviceId.trim()) return mint(values);
    await showToast({ style: Toast.Style.Failure, title: "Device identifier is required" });
  };
  return (
    <Form actions={<SubmitPanel title="Mint Client Key" icon={Icon.Key} onSubmit={submit} />}>
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
  return (
    <OneTimeKey
      heading={result.reused ? "Existing key reused" : "New client key"}
      note={
        result.reused
          ? "This device already had a key that is still valid, so it gets the same one again."
          : "Shown once here: copy it now."
      }
      preAuthKey={result.preAuthKey}
      coordinationUrl={result.coordinationUrl}
      labels={[
        ["Device", result.deviceId],
        ["User", result.user],
        ["Expires", new Date(result.expiresAt).toLocaleString()],
      ]}
    />
  );
}
