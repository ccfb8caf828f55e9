import { Form, useNavigation, type Image } from "@raycast/api";
import type { ReactNode } from "react";
import { SubmitPanel } from "./actions.js";
import { runChange } from "../lib/change.js";

/**
 * A pushed form that makes one change through the helper: on success a toast, the caller's
 * refresh and back to the list; on failure the helper's reason as a toast, and the form stays
 * with what was typed.
 */
export function ChangeForm<V extends Form.Values, T>(props: {
  /** The submit action's title. */
  title: string;
  navigationTitle?: string;
  icon?: Image.ImageLike;
  submit: (values: V) => Promise<T>;
  done: (result: T, values: V) => string;
  failed: string;
  refreshesMenuBar?: boolean;
  onChanged: () => void;
  children: ReactNode;
}) {
  const { pop } = useNavigation();
  return (
    <Form
      navigationTitle={props.navigationTitle ?? props.title}
      actions={
        <SubmitPanel<V>
          title={props.title}
          icon={props.icon}
          onSubmit={async (values) => {
            await runChange({
              work: () => props.submit(values),
              done: (result) => props.done(result, values),
              failed: props.failed,
              refreshesMenuBar: props.refreshesMenuBar,
              then: () => {
                props.onChanged();
                pop();
              },
            });
          }}
        />
      }
    >
      {props.children}
    </Form>
  );
}
