import { Action, ActionPanel, Color, Form, Icon, Keyboard, List, showToast, Toast, useNavigation } from "@raycast/api";
import { showFailureToast, useForm } from "@raycast/utils";
import { useEffect } from "react";
import {
  bridgeUpOutcome,
  formatBytes,
  HelperError,
  tailnetSummary,
  type BridgeMapping,
  type BridgeStatus,
} from "../helper/client/index.js";
import { HelperUnavailable } from "./components/helper-unavailable.js";
import { RefreshAction, RemoveAction, SubmitPanel } from "./components/actions.js";
import { EmptyList } from "./components/empty-list.js";
import { useHelper } from "./hooks/use-helper.js";
import { runConfirmed } from "./lib/confirm.js";
import { optionalPort, requiredPort } from "./lib/form-checks.js";
import { argument, type WithArguments } from "./lib/launch-arguments.js";
import { call } from "./lib/raycast-client.js";
import { mappingAddress, parsePort } from "./lib/view-model.js";

/** Counters move while connections run: refresh them this often while the view is open. */
const REFRESH_MS = 2_000;

export default function TailnetBridge(props: WithArguments<{ port: string }>) {
  const { data, isLoading, revalidate, helperDown, error } = useHelper("bridge.status");
  const { push } = useNavigation();
  useEffect(() => {
    const timer = setInterval(revalidate, REFRESH_MS);
    return () => clearInterval(timer);
  }, [revalidate]);
  // A port typed after the command's name: straight to the form for it, the list behind.
  const port = argument(props, "port");
  useEffect(() => {
    if (port) push(<AddMapping localPort={port} onAdded={revalidate} />);
  }, []);
  if (helperDown) {
    return <HelperUnavailable onStarted={revalidate} />;
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
    <List isLoading={isLoading} searchBarPlaceholder="Search mappings by port or address">
      <EmptyList
        failure={data ? undefined : error}
        failureTitle="The bridge is not available"
        failureActions={installCommand(error) && <InstallActions command={installCommand(error)!} />}
        icon={Icon.Network}
        title="No tailnet port is bridged"
        description="Add a mapping to reach a service on this computer from every device of the tailnet."
        actions={<ActionPanel>{addAction}</ActionPanel>}
      />
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

/** The command that brings the bridge, when the helper says it lacks the addon. */
function installCommand(error: Error | undefined): string | undefined {
  return error instanceof HelperError
    ? (error.data as { installCommand?: string } | undefined)?.installCommand
    : undefined;
}

function InstallActions(props: { command: string }) {
  return (
    <ActionPanel>
      <Action.CopyToClipboard title="Copy Install Command" content={props.command} />
    </ActionPanel>
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
    const done = await runConfirmed({
      title: `Stop forwarding tailnet port ${mapping.tailnetPort}?`,
      message: "Its open connections end now.",
      confirm: "Remove Mapping",
      work: () => call("bridge.down", { tailnetPort: mapping.tailnetPort }),
      done: `Removed tailnet port ${mapping.tailnetPort}`,
      failed: "Could not remove the mapping",
    });
    if (done) onChange();
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
          {address && (
            <Action.CopyToClipboard title="Copy Address" content={address} shortcut={Keyboard.Shortcut.Common.Copy} />
          )}
          {props.addAction}
          <RemoveAction title="Remove Mapping" onRemove={remove} />
          <RefreshAction onRefresh={onChange} />
        </ActionPanel>
      }
    />
  );
}

interface PortValues {
  localPort: string;
  tailnetPort: string;
}

/** Exported for its tests: people reach it from the list, or with a port typed after the command's name. */
export function AddMapping({ onAdded, localPort = "" }: { onAdded: () => void; localPort?: string }) {
  const { pop } = useNavigation();
  const { handleSubmit, itemProps } = useForm<PortValues>({
    initialValues: { localPort, tailnetPort: "" },
    validation: { localPort: requiredPort, tailnetPort: optionalPort },
    onSubmit: async (values) => {
      // Checked above: a port, and the tailnet one possibly left empty.
      const local = parsePort(values.localPort) as number;
      const tailnet = parsePort(values.tailnetPort) as number | undefined;
      // bridge.up waits (up to 20 s) for the node to run, as `tailscale up` does.
      const toast = await showToast({ style: Toast.Style.Animated, title: "Joining the tailnet…" });
      try {
        const result = await call("bridge.up", {
          localPort: local,
          ...(tailnet !== undefined ? { tailnetPort: tailnet } : {}),
        });
        const outcome = bridgeUpOutcome(result, local, tailnet);
        toast.style = outcome.running ? Toast.Style.Success : Toast.Style.Failure;
        toast.title = outcome.running
          ? `Forwarding tailnet port ${tailnet ?? local}`
          : "Mapping kept; the node does not run yet";
        toast.message = outcome.line;
        onAdded();
        pop();
      } catch (error) {
        await showFailureToast(error, { title: "Could not add the mapping" });
      }
    },
  });
  return (
    <Form navigationTitle="Add Mapping" actions={<SubmitPanel title="Add Mapping" onSubmit={handleSubmit} />}>
      <Form.TextField
        title="Local Port"
        placeholder="8096"
        info="The service on this computer (127.0.0.1)"
        {...itemProps.localPort}
      />
      <Form.TextField
        title="Tailnet Port"
        placeholder="the same as the local port"
        info="The port devices on the tailnet connect to"
        {...itemProps.tailnetPort}
      />
    </Form>
  );
}
