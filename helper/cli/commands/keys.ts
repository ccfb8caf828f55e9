/** `keys`: API keys for Headscale's REST API, and pre-auth keys for devices. */
import type { Command } from "commander";
import { tailscaleUpCommand } from "../../client/present.js";
import { DEFAULT_API_KEY_EXPIRATION } from "../../protocol/types.js";
import { duration, list } from "../args.js";
import type { CliContext } from "../context.js";
import { formatTable } from "../format.js";

export function register(program: Command, ctx: CliContext): void {
  const { print, call, confirmed } = ctx;
  const keys = program.command("keys").description("API keys and pre-auth keys");
  keys
    .command("api")
    .description("create an API key for Headscale's REST API (shown once)")
    .option(
      "--expiration <duration>",
      `how long it lives, e.g. 30d or 12h (default: the apiKeyExpiration setting, ${DEFAULT_API_KEY_EXPIRATION} unless set)`,
      duration("expiration"),
    )
    .action(async (options: { expiration?: string }) =>
      print(
        await call("apiKeys.create", { expiration: options.expiration }),
        (r) => `${r.apiKey}\nexpires ${r.expiresAt}; it is not shown again`,
      ),
    );
  keys
    .command("mint")
    .description("a pre-auth key for one device of an account (the same device gets the same key while it is valid)")
    .requiredOption("--device-id <id>", "a stable identifier of the device")
    .option("--device-name <name>", "a name for people")
    .option("--account <account>", "the account the device belongs to (default: your user name)")
    .action(async (options: { deviceId: string; deviceName?: string; account?: string }) =>
      print(await call("preAuthKeys.mint", options), (r) =>
        [
          `${r.reused ? "Reused" : "New"} key for ${r.deviceId} (user ${r.user}), expires ${r.expiresAt}:`,
          `  ${tailscaleUpCommand(r)}`,
        ].join("\n"),
      ),
    );
  keys
    .command("create")
    .description("a pre-auth key with options, for any user (shown once; unlike mint, never handed out again)")
    .option("--user <name>", "the user its devices join as (default: your own)")
    .option("--reusable", "it may register more than one device")
    .option("--ephemeral", "devices it registers are removed when they go offline")
    .option("--tags <tags>", "devices it registers are tagged, e.g. tag:server,tag:ci", list)
    .option(
      "--expiration <duration>",
      "how long it can be used, e.g. 1h or 7d (default: the clientKeyExpiration setting)",
      duration("expiration"),
    )
    .action(
      async (options: {
        user?: string;
        reusable?: boolean;
        ephemeral?: boolean;
        tags?: string[];
        expiration?: string;
      }) =>
        print(
          await call("preAuthKeys.create", {
            user: options.user,
            reusable: options.reusable ?? false,
            ephemeral: options.ephemeral ?? false,
            tags: options.tags ?? [],
            expiration: options.expiration,
          }),
          (r) =>
            [
              `Key ${r.id} for ${r.user ?? "tagged devices"}${r.tags.length ? ` (${r.tags.join(", ")})` : ""}, ` +
                `${r.reusable ? "reusable" : "single use"}${r.ephemeral ? ", ephemeral" : ""}, expires ${r.expiresAt}:`,
              `  ${tailscaleUpCommand(r)}`,
            ].join("\n"),
        ),
    );
  keys
    .command("list")
    .description("list pre-auth keys (without their secrets)")
    .action(async () =>
      print(await call("preAuthKeys.list"), (list) =>
        formatTable(
          ["ID", "DEVICE", "USER", "REUSABLE", "EPHEMERAL", "TAGS", "USED", "EXPIRES"],
          list.map((k) => [
            k.id,
            k.device ?? "",
            k.user ?? "",
            String(k.reusable),
            String(k.ephemeral),
            k.aclTags.join(", "),
            String(k.used),
            k.expiration ?? "never",
          ]),
        ),
      ),
    );
  keys
    .command("expire <id>")
    .description("expire a pre-auth key (needs --yes)")
    .option("--yes", "really do it")
    .action(async (id: string, options: { yes?: boolean }) => {
      confirmed(options, `expiring pre-auth key ${id}`);
      print(await call("preAuthKeys.expire", { id }), () => `Pre-auth key ${id} expired.`);
    });
}
