/** `headscale`: the Headscale binary the helper runs (`download` fetches the pinned release). */
import { tmpdir } from "node:os";
import type { Command } from "commander";
import { downloadHeadscale, type DownloadProgress } from "../../headscale/download.js";
import { HEADSCALE_VERSION } from "../../headscale/release.js";
import { checkHome } from "../../home/home-dir.js";
import { homePaths, resolveHome } from "../../home/paths.js";
import type { CliContext } from "../context.js";

/** A one-line progress bar on stderr, redrawn in place. */
function progressBar(what: string) {
  return ({ received, total }: DownloadProgress) => {
    const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
    const done = total ? Math.floor((received / total) * 30) : 0;
    const bar = total ? `[${"#".repeat(done)}${" ".repeat(30 - done)}] ` : "";
    process.stderr.write(`\r${what} ${bar}${mib(received)}${total ? ` of ${mib(total)}` : ""} MiB`);
  };
}

export function register(program: Command, ctx: CliContext): void {
  const headscale = program.command("headscale").description("the Headscale binary the helper runs");
  headscale
    .command("download")
    .description(
      `download the official Headscale ${HEADSCALE_VERSION} into the home, checked against its pinned SHA-256`,
    )
    .action(async () => {
      const paths = homePaths(resolveHome(ctx.globals().home), tmpdir());
      await checkHome(paths); // never into a folder that is not a home of ours (~/bin, say)
      const target = paths.downloadedHeadscale;
      const bar =
        process.stderr.isTTY && !ctx.globals().json ? progressBar(`Headscale ${HEADSCALE_VERSION}`) : undefined;
      const path = await downloadHeadscale({ target, onProgress: bar }).finally(
        () => bar && process.stderr.write("\n"),
      );
      ctx.print(
        { path, version: HEADSCALE_VERSION },
        () => `Headscale ${HEADSCALE_VERSION} is at ${path}; the next start uses it.`,
      );
    });
}
