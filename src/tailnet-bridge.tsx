import {
  Action,
  ActionPanel,
  Alert,
  Color,
  confirmAlert,
  Form,
  Icon,
  Keyboard,
  List,
  showToast,
  Toast,
  useNavigation,
} from "@raycast/api";
import { showFailureToast } from "@raycast/utils";
import { useEffect, useState } from "react";
import { formatBytes } from "../helper/cli/format.js";
import type { BridgeMapping, BridgeStatus } from "../helper/protocol/schema.js";
import { HelperUnavailable } from "./components/helper-unavailable.js";
import { useHelper } from "./hooks/use-helper.js";
import { call } from "./lib/helper.js";
import { mappingAddress, parsePort, tailnetSummary } from "./lib/view-model.js";

/** Counters move while connections run: refresh them this often while the view is open. */
const REFRESH_MS = 2_000;

export default function TailnetBridge() {
  const { data, isLoading, revalidate, helperDown, error } = useHelper("bridge.status");
  useEffect(() => {
    const timer = setInterval(revalidate, REFRESH_MS);
    return () => clearInterval(timer);
  }, [revalidate]);
  if (helperDown) {
    return (
      <List>
        <HelperUnavailable onStarted={revalidate} />
      </List>
    );
  }
  const addAction = (
    <Action.Push
      title="Add Mapping"
      icon={Icon.Plus}
      shortcut={Keyboard.Shortcut.Common.New}
      target={<AddMapping onAdded={revalidate} />}
    />
  );
  return (
    <List isLoading={isLoading} navigationTitle={data ? `Tailnet Bridge · ${tailnetSummary(data)}` : "Tailnet Bridge"}>
      {error && !data ? (
        <List.EmptyView icon={Icon.Warning} title="The bridge is not available" description={error.message} />
      ) : (
        <List.EmptyView
          icon={Icon.Network}
          title="No tailnet port is bridged"
          description="Add a mapping to reach a service on this computer from every device of the tailnet."
          actions={<ActionPanel>{addAction}</ActionPanel>}
        />
      )}
      {data && data.mappings.length > 0 && (
        <List.Section title="Mappings" subtitle={data.lastError ?? tailnetSummary(data)}>
          {data.mappings.map((mapping) => (
            <MappingItem
              key={mapping.tailnetPort}
              bridge={data}
              mapping={mapping}
              addAction={addAction}
              onChange={revalidate}
            />
          ))}
        </List.Section>
      )}
    </List>
  );
}

function MappingItem(props: {
  bridge: BridgeStatus;
  mapping: BridgeMapping;
  addAction: React.ReactNode;
  onChange: () => void;
}) {
  const { bridge, mapping, onChange } = props;
  const address = mappingAddress(bridge, mapping);
  const remove = async () => {
    const confirmed = await confirmAlert({
      title: `Stop forwarding tailnet port ${mapping.tailnetPort}?`,
      message: "Its open connections end now.",
      primaryAction: { title: "Remove Mapping", style: Alert.ActionStyle.Destructive },
    });
    if (!confirmed) return;
    try {
      await call("bridge.down", { tailnetPort: mapping.tailnetPort });
      await showToast({ style: Toast.Style.Success, title: `Removed tailnet port ${mapping.tailnetPort}` });
      onChange();
    } catch (error) {
      await showFailureToast(error, { title: "Could not remove the mapping" });
    }
  };
  return (
    <List.Item
      title={`:${mapping.tailnetPort} → 127.0.0.1:${mapping.localPort}`}
      subtitle={address}
      icon={{ source: Icon.Plug, tintColor: bridge.state === "Running" ? Color.Green : Color.SecondaryText }}
      accessories={[
        { text: `${mapping.active} open · ${mapping.total} total`, tooltip: `${mapping.refused} refused locally` },
        { text: `↓ ${formatBytes(mapping.bytesIn)} ↑ ${formatBytes(mapping.bytesOut)}` },
        ...(mapping.lastError
          ? [{ icon: { source: Icon.Warning, tintColor: Color.Orange }, tooltip: mapping.lastError }]
          : []),
      ]}
      actions={
        <ActionPanel>
          {address && <Action.CopyToClipboard title="Copy Address" content={address} />}
          {props.addAction}
          <Action
            title="Remove Mapping"
            icon={Icon.Trash}
            style={Action.Style.Destructive}
            shortcut={Keyboard.Shortcut.Common.Remove}
            onAction={remove}
          />
          <Action
            title="Refresh"
            icon={Icon.ArrowClockwise}
            shortcut={Keyboard.Shortcut.Common.Refresh}
            onAction={onChange}
          />
        </ActionPanel>
      }
    />
  );
}

function AddMapping({ onAdded }: { onAdded: () => void }) {
  const { pop } = useNavigation();
  const [errors, setErrors] = useState<{ localPort?: string; tailnetPort?: string }>({});
  return (
    <Form
      navigationTitle="Add Mapping"
      actions={
        <ActionPanel>
          <Action.SubmitForm
            title="Add Mapping"
            onSubmit={async (values: { localPort: string; tailnetPort: string }) => {
              const localPort = parsePort(values.localPort);
              const tailnetPort = parsePort(values.tailnetPort);
              const problems = {
                localPort:
                  localPort instanceof Error ? localPort.message : localPort === undefined ? "Required" : undefined,
                tailnetPort: tailnetPort instanceof Error ? tailnetPort.message : undefined,
              };
              setErrors(problems);
              if (problems.localPort || problems.tailnetPort) return;
              try {
                const result = await call("bridge.up", {
                  localPort: localPort as number,
                  ...(tailnetPort !== undefined ? { tailnetPort: tailnetPort as number } : {}),
                });
                await showToast({
                  style: Toast.Style.Success,
                  title: `Forwarding tailnet port ${tailnetPort ?? localPort}`,
                  message: tailnetSummary(result),
                });
                onAdded();
                pop();
              } catch (error) {
                await showFailureToast(error, { title: "Could not add the mapping" });
              }
            }}
          />
        </ActionPanel>
      }
    >
      <Form.TextField
        id="localPort"
        title="Local Port"
        placeholder="8096"
        info="The service on this computer (127.0.0.1)"
        error={errors.localPort}
        onChange={() => setErrors({})}
      />
      <Form.TextField
        id="tailnetPort"
        title="Tailnet Port"
        placeholder="the same as the local port"
        info="The port devices on the tailnet connect to"
        error={errors.tailnetPort}
        onChange={() => setErrors({})}
      />
    </Form>
  );
}
