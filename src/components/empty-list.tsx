import { Icon, List, type Image } from "@raycast/api";
import type { ReactNode } from "react";

/** What an empty list shows: the error that left it empty, or else how to fill it. */
export function EmptyList(props: {
  /** Set when the list is empty because the helper could not answer. */
  failure?: Error;
  failureTitle: string;
  icon: Image.ImageLike;
  title: string;
  description: string;
  actions?: ReactNode;
  /** What the failure's fix offers, when it has one. */
  failureActions?: ReactNode;
}) {
  if (props.failure) {
    return (
      <List.EmptyView
        icon={Icon.Warning}
        title={props.failureTitle}
        description={props.failure.message}
        actions={props.failureActions}
      />
    );
  }
  return (
    <List.EmptyView icon={props.icon} title={props.title} description={props.description} actions={props.actions} />
  );
}
