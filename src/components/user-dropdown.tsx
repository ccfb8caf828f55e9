import { Form } from "@raycast/api";
import { useHelper } from "../hooks/use-helper.js";
import { sortUsers } from "../lib/view-model.js";

/** The dropdown's value for "not said": the helper then uses its own account's user. */
export const OWN_USER = "";

/** Headscale's users to pick from; the first choice leaves it to the helper. Takes its form's item props. */
export function UserDropdown({
  extra,
  ...props
}: Partial<Form.ItemProps<string>> & { id: string; info?: string; extra?: { value: string; title: string } }) {
  const { data, isLoading } = useHelper("users.list");
  return (
    <Form.Dropdown title="User" isLoading={isLoading} {...props}>
      <Form.Dropdown.Item value={OWN_USER} title="My Own User" />
      {extra && <Form.Dropdown.Item value={extra.value} title={extra.title} />}
      {sortUsers(data ?? []).map((user) => (
        <Form.Dropdown.Item key={user.id} value={user.name} title={user.name} />
      ))}
    </Form.Dropdown>
  );
}
