/** A change made through the helper, reported as a toast whichever way it went. */
import { showToast, Toast } from "@raycast/api";
import { showFailureToast } from "@raycast/utils";
import { refreshMenuBar } from "./raycast-client.js";

export interface Change<T> {
  work: () => Promise<T>;
  /** The success toast's title, from what the helper answered. */
  done: string | ((result: T) => string);
  /** The failure toast's title; its message is the helper's own reason. */
  failed: string;
  /** For changes that move the menu bar's numbers (nodes, waiting routes), so it does not lag a minute. */
  refreshesMenuBar?: boolean;
  then?: (result: T) => void;
  onFailure?: (error: Error) => void;
}

/** Resolves true when the change was made. */
export async function runChange<T>(change: Change<T>): Promise<boolean> {
  let result: T;
  try {
    result = await change.work();
  } catch (error) {
    await showFailureToast(error, { title: change.failed });
    change.onFailure?.(error instanceof Error ? error : new Error(String(error)));
    return false;
  }
  const title = typeof change.done === "string" ? change.done : change.done(result);
  await showToast({ style: Toast.Style.Success, title });
  if (change.refreshesMenuBar) await refreshMenuBar();
  change.then?.(result);
  return true;
}
