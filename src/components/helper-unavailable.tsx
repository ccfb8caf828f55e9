import { Action, ActionPanel, Icon, List } from "@raycast/api";
import { runLifecycle } from "../lib/lifecycle.js";

/** What every view shows when no helper answers: what is wrong, and the fix. */
export function HelperUnavailable({ onStarted }: { onStarted: () => void }) {
  return (
    <List>
      <List.EmptyView
        icon={Icon.Plug}
        title="The Headscale Remote helper is not running"
        description="Start it to run Headscale, or install it as a service with `headscale-remote service install`."
        actions={
          <ActionPanel>
            <Action
              title="Start Helper and Headscale"
              icon={Icon.Play}
              onAction={async () => {
                if (await runLifecycle("start", "toast")) onStarted();
              }}
            />
          </ActionPanel>
        }
      />
    </List>
  );
}
