/** `users`: list, create, rename and delete Headscale users. */
import type { Command } from "commander";
import { relativeTime } from "../../client/present.js";
import type { CliContext } from "../context.js";
import { formatTable } from "../format.js";

export function register(program: Command, ctx: CliContext): void {
  const { print, call, confirmed } = ctx;
  const users = program.command("users").description("list, create, rename and delete Headscale users");
  users.command("list", { isDefault: true }).action(async () =>
    print(await call("users.list"), (list) =>
      formatTable(
        ["ID", "NAME", "CREATED"],
        list.map((u) => [u.id, u.name, relativeTime(u.createdAt)]),
      ),
    ),
  );
  users
    .command("create <name>")
    .action(async (name: string) =>
      print(await call("users.create", { name }), (user) => `User ${user.name} (id ${user.id}) created.`),
    );
  users
    .command("rename <name> <new-name>")
    .action(async (name: string, newName: string) =>
      print(await call("users.rename", { name, newName }), (user) => `User ${name} is now ${user.name}.`),
    );
  users
    .command("delete <name>")
    .description("delete a user (needs --yes); one who still owns nodes needs --force, which deletes them too")
    .option("--yes", "really do it")
    .option("--force", "also delete the user's nodes (implies --yes)")
    .action(async (name: string, options: { yes?: boolean; force?: boolean }) => {
      confirmed({ yes: options.yes || options.force }, `deleting user ${name}`);
      print(
        await call("users.delete", { name, force: options.force ?? false }),
        (r) =>
          `User ${name} deleted${r.deletedNodes ? `, with ${r.deletedNodes} node${r.deletedNodes === 1 ? "" : "s"}` : ""}.`,
      );
    });
}
