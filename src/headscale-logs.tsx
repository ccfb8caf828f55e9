import { Action, ActionPanel, Color, Icon, List } from "@raycast/api";
import { useEffect, useState } from "react";
import type { HelperClient, LogLine } from "../helper/client/index.js";
import { CopyLogsAction } from "./components/actions.js";
import { HelperUnavailable } from "./components/helper-unavailable.js";
import { useHelper } from "./hooks/use-helper.js";
import { connect } from "./lib/raycast-client.js";
import { appendCapped, filterLogs, logLevel, LOG_LEVELS, type LogLevel } from "./lib/view-model.js";

const LEVEL_COLOR: Record<LogLevel, Color> = {
  trace: Color.SecondaryText,
  debug: Color.SecondaryText,
  info: Color.Blue,
  warn: Color.Orange,
  error: Color.Red,
};

export default function HeadscaleLogs() {
  const [minimum, setMinimum] = useState<LogLevel>("info");
  const initial = useHelper("logs.tail", { lines: 1000 });
  const [lines, setLines] = useState<LogLine[]>([]);

  useEffect(() => {
    if (initial.data) setLines((current) => appendCapped(current, initial.data!));
  }, [initial.data]);

  // Follow new lines while the view is open; the connection closes with the view.
  useEffect(() => {
    if (!initial.data) return;
    let client: HelperClient | undefined;
    let cancelled = false;
    connect()
      .then(async (connected) => {
        client = connected;
        if (cancelled) return connected.close();
        await connected.followLogs((line) => setLines((current) => appendCapped(current, [line])));
      })
      .catch(() => {}); // the tail above already shows what there is; following is a bonus
    return () => {
      cancelled = true;
      client?.close();
    };
  }, [initial.data !== undefined]);

  if (initial.helperDown) {
    return <HelperUnavailable onStarted={initial.revalidate} />;
  }
  const shown = filterLogs(lines, minimum).reverse(); // newest first
  return (
    <List
      isLoading={initial.isLoading}
      isShowingDetail={shown.length > 0}
      searchBarPlaceholder="Filter log lines"
      searchBarAccessory={
        <List.Dropdown tooltip="Minimum Level" value={minimum} onChange={(value) => setMinimum(value as LogLevel)}>
          {LOG_LEVELS.map((level) => (
            <List.Dropdown.Item key={level} title={level[0]!.toUpperCase() + level.slice(1)} value={level} />
          ))}
        </List.Dropdown>
      }
    >
      <List.EmptyView icon={Icon.Document} title="No log lines at this level" />
      {shown.map((line) => (
        <List.Item
          key={line.seq}
          title={line.text}
          icon={{ source: Icon.Dot, tintColor: LEVEL_COLOR[logLevel(line)] }}
          detail={<List.Item.Detail markdown={"```\n" + line.text + "\n```"} />}
          actions={
            <ActionPanel>
              <Action.CopyToClipboard title="Copy Line" content={line.text} />
              <CopyLogsAction />
            </ActionPanel>
          }
        />
      ))}
    </List>
  );
}
