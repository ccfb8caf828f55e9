import { Alert, confirmAlert } from "@raycast/api";
import { runChange, type Change } from "./change.js";

export interface Question {
  /** The question, e.g. "Delete attic-pi?". */
  title: string;
  /** What happens if the answer is yes. */
  message: string;
  /** The destructive button's title. */
  confirm: string;
}

/** Asks before something that cannot be undone; resolves true for yes. */
export function ask(question: Question): Promise<boolean> {
  return confirmAlert({
    title: question.title,
    message: question.message,
    primaryAction: { title: question.confirm, style: Alert.ActionStyle.Destructive },
  });
}

export type Confirmed<T = unknown> = Question & Change<T>;

/** A destructive action: asks first, then does it and reports. Resolves true when it was done. */
export async function runConfirmed<T>(action: Confirmed<T>): Promise<boolean> {
  if (!(await ask(action))) return false;
  return runChange(action);
}
