import { Form } from "@raycast/api";
import { useHelper } from "../hooks/use-helper.js";
import { sortUsers } from "../lib/view-model.js";

/** The dropdown's value for "not said": the helper then uses its own account's user. */
export const OWN_USER = "";

/** Headscale's users to pick from; the first choice leaves it to the helper. */
export function UserDropdown(props: { id: string; info?: string; extra?: { value: string; title: string } }) {
  const { data, isLoading } = useHelper("users.list");
  return (
    <Form.Dropdown id={props.id} title="User" defaultValue={OWN_USER} isLoading={isLoading} info={props.info}>
      <Form.Dropdown.Item value={OWN_USER} title="My Own User" />
      {props.extra && <Form.Dropdown.Item value={props.extra.value} title={props.extra.title} />}
      {sortUsers(data ?? []).map((user) => (
        <Form.Dropdown.Item key={user.id} value={user.name} title={user.name} />
      ))}
    </Form.Dropdown>
  );
}
