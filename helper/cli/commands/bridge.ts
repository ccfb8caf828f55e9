/** `bridge`: this computer's own tailnet node, and the tailnet ports it forwards to local services. */
import { InvalidArgumentError, type Command } from "commander";
import { port } from "../args.js";
import { resourceCommand, type CliContext } from "../context.js";
import type { BridgeStatus } from "../../protocol/types.js";
import { formatBridge, formatBridgeUp } from "../format.js";

/** The line `headscale-remote --help` shows for it. */
const SUMMARY = "this computer's own tailnet node, and tailnet ports it forwards to local services";

/** What `bridge identity` tells the person: the node as it is now, or that the identity waits for it. */
function formatIdentity(bridge: BridgeStatus): string {
  if (bridge.mappings.length === 0) {
    return "Saved: this computer's node joins with it at the next `headscale-remote bridge up`.";
  }
  return `This computer's node is now ${bridge.hostname}, of account ${bridge.account}.\n\n${formatBridge(bridge)}`;
}

export function register(program: Command, ctx: CliContext): void {
  const { print, call } = ctx;
  const bridge = resourceCommand(program, "bridge", SUMMARY);
  bridge
    .command("up")
    .description("forward a tailnet port of this computer to a local port (the node joins if it has not)")
    .requiredOption("--local-port <port>", "the service on 127.0.0.1", port)
    .option("--tailnet-port <port>", "the port devices on the tailnet connect to (default: the local port)", port)
    .option("--account <account>", "first change whose node it is, as `bridge identity` does")
    .option("--hostname <name>", "first change the node's name, as `bridge identity` does")
    .action(async (options: { localPort: number; tailnetPort?: number; account?: string; hostname?: string }) => {
      const bridge = await ctx.whileWaiting("Joining the tailnet", call("bridge.up", options));
      print(bridge, (b) => formatBridgeUp(b, options.localPort, options.tailnetPort));
    });
  bridge
    .command("identity")
    .description(
      "whose Headscale user this computer's node belongs to, and its name on the tailnet " +
        "(a new account makes a new node; a new name renames it in Headscale too)",
    )
    .option("--account <account>", "whose Headscale user the node belongs to (default: your user name)")
    .option("--hostname <name>", "the node's name on the tailnet (default: this computer's name)")
    .action(async (options: { account?: string; hostname?: string }) => {
      if (options.account === undefined && options.hostname === undefined) {
        throw new InvalidArgumentError("give --account, --hostname or both");
      }
      const bridge = await ctx.whileWaiting("Joining the tailnet", call("bridge.identity", options));
      print(bridge, formatIdentity);
    });
  bridge
    .command("down")
    .description("stop forwarding one tailnet port, or all of them (the node then leaves)")
    .option("--tailnet-port <port>", "only this mapping", port)
    .action(async (options: { tailnetPort?: number }) =>
      print(await call("bridge.down", options), (bridge) =>
        options.tailnetPort === undefined
          ? "Removed every mapping; this computer's node has left the tailnet (it keeps its identity for the next bridge up)."
          : `Tailnet port ${options.tailnetPort} is no longer forwarded.\n\n${formatBridge(bridge)}`,
      ),
    );
  bridge
    .command("status", { isDefault: true })
    .description("the node's state and addresses, and each mapping's counters")
    .action(async () => print(await call("bridge.status"), formatBridge));
}
