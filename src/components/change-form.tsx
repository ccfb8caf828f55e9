import { Form, useNavigation, type Image } from "@raycast/api";
import { useForm } from "@raycast/utils";
import type { ReactNode } from "react";
import { SubmitPanel } from "./actions.js";
import { runChange } from "../lib/change.js";

type FormState<V extends Form.Values> = ReturnType<typeof useForm<V>>;
export type FieldProps<V extends Form.Values> = FormState<V>["itemProps"];
export type FieldChecks<V extends Form.Values> = Parameters<typeof useForm<V>>[0]["validation"];

/**
 * A pushed form that makes one change through the helper. Each field's own check shows on the
 * field and nothing is sent while one fails; on success a toast, the caller's refresh and back
 * to the list; on failure the helper's reason as a toast, and the form stays with what was typed.
 */
export function ChangeForm<V extends Form.Values, T>(props: {
  /** The submit action's title. */
  title: string;
  navigationTitle?: string;
  icon?: Image.ImageLike;
  initialValues: V;
  validation?: FieldChecks<V>;
  submit: (values: V) => Promise<T>;
  done: (result: T, values: V) => string;
  failed: string;
  refreshesMenuBar?: boolean;
  onChanged: () => void;
  /** The fields, each spread with its props from the form (value, error, checks). */
  children: (fields: FieldProps<V>) => ReactNode;
}) {
  const { pop } = useNavigation();
  const { handleSubmit, itemProps } = useForm<V>({
    initialValues: props.initialValues,
    validation: props.validation,
    onSubmit: (values) =>
      runChange({
        work: () => props.submit(values),
        done: (result) => props.done(result, values),
        failed: props.failed,
        refreshesMenuBar: props.refreshesMenuBar,
        then: () => {
          props.onChanged();
          pop();
        },
      }),
  });
  return (
    <Form
      navigationTitle={props.navigationTitle ?? props.title}
      actions={<SubmitPanel<V> title={props.title} icon={props.icon} onSubmit={handleSubmit} />}
    >
      {props.children(itemProps)}
    </Form>
  );
}
