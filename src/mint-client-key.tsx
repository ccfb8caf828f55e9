import { Form, Icon, useNavigation } from "@raycast/api";
import { useForm } from "@raycast/utils";
import { userInfo } from "node:os";
import type { MintResult } from "../helper/client/index.js";
import { SubmitPanel } from "./components/actions.js";
import { OneTimeKey } from "./components/one-time-key.js";
import { required } from "./lib/form-checks.js";
import { argument, type WithArguments } from "./lib/launch-arguments.js";
import { call, withHeadscale } from "./lib/raycast-client.js";

interface Values {
  deviceId: string;
  deviceName: string;
  account: string;
}

export default function MintClientKey(props: WithArguments<{ deviceId: string }>) {
  const { push } = useNavigation();
  const { handleSubmit, itemProps } = useForm<Values>({
    initialValues: { deviceId: argument(props, "deviceId") ?? "", deviceName: "", account: userInfo().username },
    // Checked before anything starts: a blank identifier never needs Headscale.
    validation: { deviceId: required() },
    onSubmit: withHeadscale("Could not mint a key", async (values: Values) => {
      const result = await call("preAuthKeys.mint", {
        deviceId: values.deviceId.trim(),
        deviceName: values.deviceName.trim() || undefined,
        account: values.account.trim() || undefined,
      });
      push(<MintedKey result={result} />);
    }),
  });
  return (
    <Form actions={<SubmitPanel title="Mint Client Key" icon={Icon.Key} onSubmit={handleSubmit} />}>
      <Form.TextField
        title="Device Identifier"
        placeholder="a stable id, e.g. the device's serial"
        {...itemProps.deviceId}
      />
      <Form.TextField title="Device Name" placeholder="Living Room TV" {...itemProps.deviceName} />
      <Form.TextField title="Account" info="Each account gets its own Headscale user" {...itemProps.account} />
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
