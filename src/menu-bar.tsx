import {
  Clipboard,
  Color,
  environment,
  Icon,
  launchCommand,
  LaunchType,
  MenuBarExtra,
  open,
  showHUD,
} from "@raycast/api";
import { tailnetSummary } from "../helper/client/index.js";
import { copyAllLogs } from "./lib/copy-logs.js";
import { useFirstNodes, useHelper } from "./hooks/use-helper.js";
import { activeTailnet, health, ipv4, menuBarTitle, routesWaiting } from "./lib/view-model.js";

const ICON = {
  running: { source: Icon.Network, tintColor: Color.Green },
  busy: { source: Icon.Network, tintColor: Color.Yellow },
  stopped: { source: Icon.Network, tintColor: Color.SecondaryText },
  error: { source: Icon.Warning, tintColor: Color.Red },
} as const;

/** Only a view: it reads the helper and launches the other commands; it never starts a process. */
const launch = (command: string) => () => launchCommand({ name: command, type: LaunchType.UserInitiated });

/** The nodes the menu lists; List Nodes has the rest. */
const SHOWN_NODES = 50;

export default function MenuBar() {
  const status = useHelper("status");
  const running = status.data?.headscale.state === "running";
  // The numbers come from the helper's counts, kept in its memory. The nodes themselves are listed
  // only when someone opens the menu: the minutely background runs draw the title alone.
  const menuOpen = environment.launchType === LaunchType.UserInitiated;
  const nodes = useFirstNodes(SHOWN_NODES, { execute: running && menuOpen });
  const state = status.helperDown ? "stopped" : health(status.data);
  const hs = status.data?.headscale;
  const total = hs?.nodes?.total ?? 0;
  const tailnet = activeTailnet(status.data);
  // From the helper's counts, kept in memory: the menu bar never lists nodes for this.
  const pendingRoutes = running ? (hs?.nodes?.pendingRoutes ?? 0) : 0;
  const problem = status.helperDown
    ? "The helper is not running"
    : (hs?.lastError ?? (status.error && !status.data ? status.error.message : undefined));

  return (
    <MenuBarExtra
      icon={ICON[state]}
      title={menuBarTitle(status.data)}
      tooltip={`Headscale: ${hs?.state ?? "not running"}`}
      isLoading={status.isLoading || (running && menuOpen && nodes.isLoading)}
    >
      {problem && (
        <MenuBarExtra.Section title="Problem">
          <MenuBarExtra.Item
            icon={ICON.error}
            title={problem}
            onAction={launch(status.helperDown ? "start-headscale" : "headscale-status")}
          />
          <MenuBarExtra.Item
            title={status.helperDown ? "Start Helper and Headscale" : "Open Headscale Status"}
            icon={status.helperDown ? Icon.Play : Icon.Info}
            onAction={launch(status.helperDown ? "start-headscale" : "headscale-status")}
          />
        </MenuBarExtra.Section>
      )}
      <MenuBarExtra.Section title={hs ? `Headscale ${hs.state}` : "Headscale"}>
        {running ? (
          <>
            <MenuBarExtra.Item
              title="Restart Headscale"
              icon={Icon.RotateClockwise}
              onAction={launch("restart-headscale")}
            />
            <MenuBarExtra.Item title="Stop Headscale" icon={Icon.Stop} onAction={launch("stop-headscale")} />
          </>
        ) : (
          !status.helperDown && (
            <MenuBarExtra.Item title="Start Headscale" icon={Icon.Play} onAction={launch("start-headscale")} />
          )
        )}
        {hs && (
          <MenuBarExtra.Item
            title="Copy Server URL"
            subtitle={hs.serverUrl}
            icon={Icon.Globe}
            onAction={async () => {
              await Clipboard.copy(hs.serverUrl);
              await showHUD("Copied the server URL");
            }}
          />
        )}
      </MenuBarExtra.Section>
      {running && (
        <MenuBarExtra.Section title={`Nodes${hs?.nodes ? ` · ${hs.nodes.online} of ${hs.nodes.total} online` : ""}`}>
          {pendingRoutes > 0 && (
            <MenuBarExtra.Item
              title={`${routesWaiting(pendingRoutes)} for approval`}
              icon={{ source: Icon.Warning, tintColor: Color.Orange }}
              tooltip="Open List Nodes to approve them"
              onAction={launch("list-nodes")}
            />
          )}
          {menuOpen && nodes.error && !nodes.data && (
            <MenuBarExtra.Item icon={ICON.error} title={`Could not list nodes: ${nodes.error.message}`} />
          )}
          {menuOpen &&
            (nodes.data ?? []).map((node) => (
              <MenuBarExtra.Item
                key={node.id}
                title={node.givenName}
                subtitle={ipv4(node)}
                icon={{ source: Icon.CircleFilled, tintColor: node.online ? Color.Green : Color.SecondaryText }}
                onAction={async () => {
                  const ip = ipv4(node) ?? node.ipAddresses[0];
                  if (!ip) return;
                  await Clipboard.copy(ip);
                  await showHUD(`Copied ${ip}`);
                }}
              />
            ))}
          {menuOpen && total > SHOWN_NODES && (
            <MenuBarExtra.Item title={`All ${total} Nodes…`} onAction={launch("list-nodes")} />
          )}
        </MenuBarExtra.Section>
      )}
      {tailnet && (
        <MenuBarExtra.Section title="This Computer on the Tailnet">
          <MenuBarExtra.Item
            title={tailnetSummary(tailnet)}
            subtitle={tailnet.lastError ?? undefined}
            icon={{ source: Icon.Plug, tintColor: tailnet.state === "Running" ? Color.Green : Color.Orange }}
            onAction={launch("tailnet-bridge")}
          />
        </MenuBarExtra.Section>
      )}
      <MenuBarExtra.Section>
        <MenuBarExtra.Item title="Mint Client Key" icon={Icon.Key} onAction={launch("mint-client-key")} />
        <MenuBarExtra.Item title="List Nodes" icon={Icon.List} onAction={launch("list-nodes")} />
        <MenuBarExtra.Item title="Register Device" icon={Icon.PlusCircle} onAction={launch("register-device")} />
        <MenuBarExtra.Item title="Tailnet Bridge" icon={Icon.Plug} onAction={launch("tailnet-bridge")} />
        <MenuBarExtra.Item title="Copy Logs" icon={Icon.CopyClipboard} onAction={copyAllLogs} />
        <MenuBarExtra.Item title="Open Headscale Logs" icon={Icon.Document} onAction={launch("headscale-logs")} />
        {hs && (
          <MenuBarExtra.Item title="Open Server URL" icon={Icon.Link} onAction={() => open(hs.serverUrl + "/health")} />
        )}
      </MenuBarExtra.Section>
    </MenuBarExtra>
  );
}
