/** `logs`: Headscale's recent log lines, and new ones as they come with --follow. */
import type { Command } from "commander";
import { HelperUnavailableError } from "../../client/helper-client.js";
import { ensureHelper } from "../../client/launch.js";
import { logLineText, logsAsText } from "../../client/present.js";
import type { LogLine } from "../../protocol/types.js";
import { count } from "../args.js";
import type { CliContext } from "../context.js";
import { printable } from "../format.js";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("logs")
    .description("print Headscale's recent log lines")
    .option("-n, --lines <n>", "how many lines (0–100000)", count(100_000), 100)
    .option("-f, --follow", "keep printing new lines")
    .action(async (options: { lines: number; follow?: boolean }) => {
      const client = await ensureHelper({ home: ctx.globals().home });
      const show = (line: LogLine) =>
        console.log(ctx.globals().json ? JSON.stringify(line) : printable(logLineText(line)));
      const lines = await client.call("logs.tail", { lines: options.lines });
      if (!options.follow) {
        client.close();
        return ctx.print(lines, logsAsText);
      }
      // Follow prints JSON lines (one document per line) in --json mode.
      let last = 0;
      for (const line of lines) {
        show(line);
        last = line.seq;
      }
      await client.followLogs((line) => {
        if (line.seq > last) show(line);
      });
      const ended = await new Promise<"interrupted" | "helper gone">((resolve) => {
        process.once("SIGINT", () => resolve("interrupted"));
        client.onClose(() => resolve("helper gone"));
      });
      client.close();
      // The helper stopping is not what the person following asked for: say so, and fail.
      if (ended === "helper gone") throw new HelperUnavailableError(client.socketPath, "it stopped while following");
    });
}
