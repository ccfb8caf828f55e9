/** `bridge`: this computer's own tailnet node, and the tailnet ports it forwards to local services. */
import type { Command } from "commander";
import { port } from "../args.js";
import type { CliContext } from "../context.js";
import { formatBridge, formatBridgeUp } from "../format.js";

export function register(program: Command, ctx: CliContext): void {
  const { print, call } = ctx;
  const bridge = program
    .command("bridge")
    .description("this computer's own tailnet node, and tailnet ports it forwards to local services");
  bridge
    .command("up")
    .description("forward a tailnet port of this computer to a local port (the node joins if it has not)")
    .requiredOption("--local-port <port>", "the service on 127.0.0.1", port)
    .option("--tailnet-port <port>", "the port devices on the tailnet connect to (default: the local port)", port)
    .option("--account <account>", "whose Headscale user the node belongs to (default: your user name)")
    .option("--hostname <name>", "the node's name on the tailnet (default: this computer's name)")
    .action(async (options: { localPort: number; tailnetPort?: number; account?: string; hostname?: string }) => {
      const bridge = await ctx.whileWaiting("Joining the tailnet", call("bridge.up", options));
      print(bridge, (b) => formatBridgeUp(b, options.localPort, options.tailnetPort));
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
