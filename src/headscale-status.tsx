import { Action, ActionPanel, Color, Detail, Icon, Keyboard, launchCommand, LaunchType, List } from "@raycast/api";
import { formatDuration, tailnetSummary, type ResultOf } from "../helper/client/index.js";
import { HelperUnavailable } from "./components/helper-unavailable.js";
import { CopyLogsAction, RefreshAction } from "./components/actions.js";
import { useHelper } from "./hooks/use-helper.js";
import { runChange } from "./lib/change.js";
import { runLifecycle, type LifecycleAction } from "./lib/lifecycle.js";
import { call } from "./lib/raycast-client.js";
import { overallVerdict, reachabilityMarkdown, reachabilityRows, type Verdict } from "./lib/reachability.js";
import { activeTailnet, health } from "./lib/view-model.js";

const STATE_COLOR = {
  running: Color.Green,
  busy: Color.Yellow,
  stopped: Color.SecondaryText,
  error: Color.Red,
} as const;

const VERDICT_ICON: Record<Verdict, { source: Icon; tintColor: Color }> = {
  ok: { source: Icon.CheckCircle, tintColor: Color.Green },
  problem: { source: Icon.XMarkCircle, tintColor: Color.Red },
  warning: { source: Icon.Warning, tintColor: Color.Orange },
  unknown: { source: Icon.Circle, tintColor: Color.SecondaryText },
};

const openServerSettings = () => launchCommand({ name: "server-settings", type: LaunchType.UserInitiated });

export default function HeadscaleStatus() {
  const statusCall = useHelper("status");
  const { data: status, helperDown, error } = statusCall;
  // Checked alongside the status: the name, /health through the URL, the certificate and the relay.
  const reachCall = useHelper("server.reachability");
  const revalidate = () => {
    statusCall.revalidate();
    reachCall.revalidate();
  };
  if (helperDown) {
    return <HelperUnavailable onStarted={revalidate} />;
  }
  const hs = status?.headscale;
  const tailnet = activeTailnet(status);
  const lifecycle = (action: LifecycleAction) => async () => {
    await runLifecycle(action, "toast");
    revalidate();
  };
  const common = (
    <>
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
        shortcut={Keyboard.Shortcut.Common.Open}
        onAction={() => launchCommand({ name: "headscale-logs", type: LaunchType.UserInitiated })}
      />
      <CopyLogsAction />
      <Action
        title={hs?.autoStart ? "Disable Auto-Start" : "Enable Auto-Start"}
        icon={Icon.Power}
        onAction={() => toggleAutoStart(!hs?.autoStart, revalidate)}
      />
      <RefreshAction onRefresh={revalidate} />
    </>
  );
  const actions = <ActionPanel>{common}</ActionPanel>;
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
    <List
      isLoading={statusCall.isLoading || reachCall.isLoading}
      searchBarPlaceholder="Search state, reachability and errors"
    >
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
          <ReachabilitySection
            reachability={reachCall.data}
            error={reachCall.data ? undefined : reachCall.error}
            commonActions={common}
          />
          {tailnet && (
            <List.Section title="This Computer on the Tailnet">
              {item("Node", tailnetSummary(tailnet), Icon.Network)}
              {item("Problem", tailnet.lastError ?? undefined, Icon.Warning, Color.Orange)}
              {item("Relay", tailnet.relay ?? undefined, Icon.Network)}
              {/* Over plain HTTP the node has no relay by design: the Reachability section says so. */}
              {reachCall.data?.reach === "internet" &&
                item("Relay Problem", tailnet.relayProblem ?? undefined, Icon.Warning, Color.Orange)}
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

/** Auto-start is a helper setting: a refusal, or no helper at all, is a toast with the reason, never an unhandled error. */
function toggleAutoStart(on: boolean, then: () => void) {
  return runChange({
    work: () => call("config.set", { patch: { autoStart: on } }),
    done: on ? "Auto-start is on" : "Auto-start is off",
    failed: `Could not turn auto-start ${on ? "on" : "off"}`,
    then,
  });
}

/** Whether devices can get through: the helper's one-line summary first, then each check with its fix. */
function ReachabilitySection(props: {
  reachability: ResultOf<"server.reachability"> | undefined;
  error: Error | undefined;
  /** The view's own actions, offered on these items too. */
  commonActions: React.ReactNode;
}) {
  const { reachability, error } = props;
  if (!reachability) {
    return error ? (
      <List.Section title="Reachability">
        <List.Item
          title="Could not check reachability"
          subtitle={error.message}
          icon={VERDICT_ICON.unknown}
          actions={<ActionPanel>{props.commonActions}</ActionPanel>}
        />
      </List.Section>
    ) : null;
  }
  const rows = reachabilityRows(reachability);
  const report = (
    <Detail
      navigationTitle="Reachability"
      markdown={reachabilityMarkdown(reachability)}
      actions={
        <ActionPanel>
          <Action title="Open Server Settings" icon={Icon.Gear} onAction={openServerSettings} />
          <Action.CopyToClipboard title="Copy Server URL" content={reachability.serverUrl} />
        </ActionPanel>
      }
    />
  );
  const itemActions = (fix: string | null) => (
    <ActionPanel>
      <Action.Push title="Show Reachability Report" icon={Icon.Document} target={report} />
      <Action title="Open Server Settings" icon={Icon.Gear} onAction={openServerSettings} />
      {fix && <Action.CopyToClipboard title="Copy Fix" content={fix} />}
      <ActionPanel.Section>{props.commonActions}</ActionPanel.Section>
    </ActionPanel>
  );
  return (
    <List.Section title="Reachability">
      <List.Item title={reachability.summary} icon={VERDICT_ICON[overallVerdict(rows)]} actions={itemActions(null)} />
      {rows.map((row) => (
        <List.Item
          key={row.title}
          title={row.title}
          subtitle={row.detail}
          icon={VERDICT_ICON[row.verdict]}
          accessories={row.fix ? [{ tag: { value: "Fix", color: Color.Orange }, tooltip: row.fix }] : []}
          keywords={row.fix ? [row.fix] : []}
          actions={itemActions(row.fix)}
        />
      ))}
    </List.Section>
  );
}
