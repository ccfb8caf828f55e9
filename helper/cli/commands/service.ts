/** `service`: keep the helper running with the system's service manager (launchd or systemd). */
import type { Command } from "commander";
import { resolveHome } from "../../home/paths.js";
import { helperEntry } from "../../project.js";
import { installService, uninstallService } from "../../service/install.js";
import type { CliContext } from "../context.js";

export function register(program: Command, ctx: CliContext): void {
  const service = program
    .command("service")
    .description("keep the helper running with launchd (macOS) or systemd (Linux)");
  service.command("install").action(async () => {
    const result = await installService({
      nodePath: process.execPath,
      entryPath: helperEntry(),
      home: resolveHome(ctx.globals().home),
    });
    ctx.print(result, (r) => `${r.file}: ${r.note}`);
  });
  service.command("uninstall").action(async () => ctx.print(await uninstallService(), (r) => `${r.file}: ${r.note}`));
}
