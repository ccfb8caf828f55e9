import { Action, ActionPanel, Color, Icon, launchCommand, LaunchType, List } from "@raycast/api";
import { formatDuration, tailnetSummary } from "../helper/client/index.js";
import { HelperUnavailable } from "./components/helper-unavailable.js";
import { CopyLogsAction, RefreshAction } from "./components/actions.js";
import { useHelper } from "./hooks/use-helper.js";
import { runLifecycle, type LifecycleAction } from "./lib/lifecycle.js";
import { call } from "./lib/raycast-client.js";
import { activeTailnet, health } from "./lib/view-model.js";

const STATE_COLOR = {
  running: Color.Green,
  busy: Color.Yellow,
  stopped: Color.SecondaryText,
  error: Color.Red,
} as const;

export default function HeadscaleStatus() {
  const { data: status, isLoading, revalidate, helperDown, error } = useHelper("status");
  if (helperDown) {
    return <HelperUnavailable onStarted={revalidate} />;
  }
  const hs = status?.headscale;
  const tailnet = activeTailnet(status);
  const lifecycle = (action: LifecycleAction) => async () => {
    await runLifecycle(action, "toast");
    revalidate();
  };
  const actions = (
    <ActionPanel>
      {hs?.state === "running" ? (
        <>
          <Action title="Restart Headscale" icon={Icon.RotateClockwise} onAction={lifecycle("restart")} />
          <Action title="Stop Headscale" icon={Icon.Stop} onAction={lifecycle("stop")} />
        </>
      ) : (
        <Action title="Start Headscale" icon={Icon.Play} onAction={lifecycle("start")} />
      )}
      <Action title="Stop Headscale and the Helper" icon={Icon.Power} onAction={lifecycle("shutdown")} />
      {hs && <Action.CopyToClipboard title="Copy Server URL" content={hs.serverUrl} />}
      <Action
        title="Open Logs"
        icon={Icon.Document}
        onAction={() => launchCommand({ name: "headscale-logs", type: LaunchType.UserInitiated })}
      />
      <CopyLogsAction />
      <Action
        title={hs?.autoStart ? "Disable Auto-Start" : "Enable Auto-Start"}
        icon={Icon.Power}
        onAction={async () => {
          await call("config.set", { patch: { autoStart: !hs?.autoStart } });
          revalidate();
        }}
      />
      <RefreshAction onRefresh={revalidate} />
    </ActionPanel>
  );
  const item = (title: string, value: string | undefined, icon: Icon = Icon.Dot, color?: Color) =>
    value === undefined ? null : (
      <List.Item
        title={title}
        icon={{ source: icon, tintColor: color }}
        accessories={[{ text: value }]}
        actions={actions}
      />
    );
  return (
    <List isLoading={isLoading}>
      {error && !status && (
        <List.EmptyView
          icon={Icon.Warning}
          title="Could not read the status"
          description={error.message}
          actions={actions}
        />
      )}
      {hs && (
        <>
          <List.Section title="Headscale">
            {item("State", hs.state, Icon.CircleFilled, STATE_COLOR[health(status)])}
            {item("Server URL", hs.serverUrl, Icon.Globe)}
            {item("Uptime", hs.uptimeSeconds !== null ? formatDuration(hs.uptimeSeconds) : undefined, Icon.Clock)}
            {item("Version", hs.version ?? undefined, Icon.Tag)}
            {item("Nodes Online", hs.nodes ? `${hs.nodes.online} of ${hs.nodes.total}` : undefined, Icon.Network)}
            {item("Auto-Start", hs.autoStart ? "On" : "Off", Icon.Power)}
          </List.Section>
          {tailnet && (
            <List.Section title="This Computer on the Tailnet">
              {item("Node", tailnetSummary(tailnet), Icon.Network)}
              {item("Problem", tailnet.lastError ?? undefined, Icon.Warning, Color.Orange)}
            </List.Section>
          )}
          {hs.lastError && (
            <List.Section title="Last Error">
              <List.Item
                title={hs.lastError}
                icon={{ source: Icon.Warning, tintColor: Color.Red }}
                detail={<List.Item.Detail markdown={"```\n" + hs.lastErrorLog.join("\n") + "\n```"} />}
                actions={actions}
              />
            </List.Section>
          )}
        </>
      )}
    </List>
  );
}
