/** `nodes`: list the tailnet's nodes, rename, expire, delete, register, and manage routes and tags. */
import type { Command } from "commander";
import { EXIT_ROUTES } from "../../headscale/routes.js";
import { NotFoundError } from "../../util/failure.js";
import { list } from "../args.js";
import type { CliContext } from "../context.js";
import { formatNodes, formatRoutes } from "../format.js";

/** "exit" stands for the pair of routes an exit node serves. */
const routesOf = (routes: string[]) => routes.flatMap((route) => (route === "exit" ? [...EXIT_ROUTES] : [route]));

export function register(program: Command, ctx: CliContext): void {
  const { print, call, confirmed } = ctx;
  const nodes = program.command("nodes").description("list and manage the tailnet's nodes");
  nodes
    .command("list", { isDefault: true })
    .description("list every node")
    .option("--user <name>", "only this user's nodes")
    .action(async (options: { user?: string }) =>
      print(await call("nodes.list", options.user ? { user: options.user } : undefined), (list) =>
        list.length === 0 && options.user ? `${options.user} has no nodes.` : formatNodes(list),
      ),
    );
  nodes
    .command("rename <id> <name>")
    .description("give a node a new name")
    .action(async (id: string, name: string) =>
      print(await call("nodes.rename", { id, name }), (node) => `Node ${node.id} is now ${node.givenName}.`),
    );
  nodes
    .command("expire <id>")
    .description("log a node out; it must authenticate again (needs --yes)")
    .option("--yes", "really do it")
    .action(async (id: string, options: { yes?: boolean }) => {
      confirmed(options, `logging node ${id} out`);
      print(await call("nodes.expire", { id }), (node) => `Node ${node.id} (${node.givenName}) expired.`);
    });
  nodes
    .command("delete <id>")
    .description("remove a node from the tailnet (needs --yes)")
    .option("--yes", "really do it")
    .action(async (id: string, options: { yes?: boolean }) => {
      confirmed(options, `deleting node ${id}`);
      print(await call("nodes.delete", { id }), () => `Node ${id} deleted.`);
    });
  nodes
    .command("register <url-or-key>")
    .description("let in a device that ran `tailscale up` without a key: the URL it printed, or the key in it")
    .option("--user <name>", "the user it joins as (default: your own)")
    .action(async (key: string, options: { user?: string }) =>
      print(
        await call("nodes.register", { key, user: options.user }),
        (node) => `Registered ${node.givenName} (node ${node.id}, ${node.ipAddresses.join(", ")}) to ${node.user}.`,
      ),
    );
  nodes
    .command("routes [id]")
    .description("the routes nodes offer (subnets, exit nodes) and which are approved")
    .action(async (id?: string) => {
      const list = await call("nodes.list");
      const shown = id === undefined ? list : list.filter((node) => node.id === id);
      if (id !== undefined && shown.length === 0) throw new NotFoundError(`no node with id ${id}`);
      print(shown, formatRoutes);
    });
  nodes
    .command("approve <id> <route...>")
    .description("approve routes a node offers: CIDRs like 192.0.2.0/24, or `exit` to make it an exit node")
    .action(async (id: string, routes: string[]) =>
      print(await call("nodes.routes", { id, approve: routesOf(routes) }), (node) => formatRoutes([node])),
    );
  nodes
    .command("unapprove <id> <route...>")
    .description("withdraw approval of routes (`exit` for the exit node)")
    .action(async (id: string, routes: string[]) =>
      print(await call("nodes.routes", { id, unapprove: routesOf(routes) }), (node) => formatRoutes([node])),
    );
  nodes
    .command("tag <id> <tag...>")
    .description(
      "set a node's tags, e.g. tag:server (the policy's tagOwners must list them; Headscale 0.29 cannot untag a node)",
    )
    .action(async (id: string, tags: string[]) =>
      print(
        await call("nodes.tag", { id, tags: tags.flatMap((tag) => list(tag)) }),
        (node) => `Node ${node.id} (${node.givenName}) is tagged ${node.tags.join(", ")}.`,
      ),
    );
}
