import { Alert, confirmAlert, showToast, Toast } from "@raycast/api";
import { showFailureToast } from "@raycast/utils";

export interface Confirmed {
  /** The question, e.g. "Delete attic-pi?". */
  title: string;
  /** What happens if the answer is yes. */
  message: string;
  /** The destructive button's title. */
  confirm: string;
  work: () => Promise<unknown>;
  /** The toasts that report how it went. */
  done: string;
  failed: string;
}

/** A destructive action: asks first, then does it and reports. Resolves true when it was done. */
export async function runConfirmed(action: Confirmed): Promise<boolean> {
  const yes = await confirmAlert({
    title: action.title,
    message: action.message,
    primaryAction: { title: action.confirm, style: Alert.ActionStyle.Destructive },
  });
  if (!yes) return false;
  try {
    await action.work();
    await showToast({ style: Toast.Style.Success, title: action.done });
    return true;
  } catch (error) {
    await showFailureToast(error, { title: action.failed });
    return false;
  }
}
