/** `config`: the helper's settings, read and changed (Headscale's config is generated from them). */
import { resolve as resolvePath } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { LIFECYCLE_TIMEOUT_MS } from "../../client/helper-client.js";
import { Settings, type SettingsPatch } from "../../protocol/settings.js";
import { resourceCommand, type CliContext } from "../context.js";

/** The line `headscale-remote --help` shows for it. */
const SUMMARY = "the helper's settings (Headscale's config is generated from them)";

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Certificate paths are the user's, relative to where they typed them; the helper runs elsewhere. */
function withAbsolutePaths(patch: Record<string, unknown>): Record<string, unknown> {
  const tls = patch.tls as Record<string, unknown> | undefined;
  if (!tls || typeof tls !== "object") return patch;
  const absolute = (value: unknown) => (typeof value === "string" && value !== "" ? resolvePath(value) : value);
  return {
    ...patch,
    tls: {
      ...tls,
      ...("certPath" in tls && { certPath: absolute(tls.certPath) }),
      ...("keyPath" in tls && { keyPath: absolute(tls.keyPath) }),
    },
  };
}

/** `key=value` pairs as a settings patch: values are JSON, or plain text when they are not. */
function patchOf(pairs: string[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at < 1) {
      throw new InvalidArgumentError(
        `expected key=value, got ${JSON.stringify(pair)} (see headscale-remote config set --help)`,
      );
    }
    const key = pair.slice(0, at);
    const raw = pair.slice(at + 1);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    // Two partial objects for one key (dns=… dns=…) add up; the first is not lost.
    const earlier = patch[key];
    patch[key] = isObject(earlier) && isObject(value) ? { ...earlier, ...value } : value;
  }
  return patch;
}

export function register(program: Command, ctx: CliContext): void {
  const { print, call } = ctx;
  const config = resourceCommand(program, "config", SUMMARY);
  config
    .command("get [key]", { isDefault: true })
    .description("all settings, or one")
    .action(async (key?: string) => {
      const view = await call("config.get");
      if (key === undefined) {
        return print(
          view,
          (c) =>
            `${JSON.stringify(c.settings, null, 2)}\nconfig: ${c.configPath}${c.editedByHand ? " (edited by hand)" : ""}` +
            (c.reach ? `\nreach: ${c.reach}, devices use ${c.serverUrl}` : ""),
        );
      }
      // reach is what the settings amount to; serverUrl the URL in force (the setting may be unset).
      const derived: Record<string, unknown> = { reach: view.reach, serverUrl: view.serverUrl };
      if (!(key in Settings.shape) && !(key in derived)) {
        throw new InvalidArgumentError(
          `no setting named ${key}; settings: reach, ${Object.keys(Settings.shape).join(", ")}`,
        );
      }
      const value = (key in derived ? derived[key] : (view.settings as Record<string, unknown>)[key]) ?? null;
      print(value, (v) => (typeof v === "string" ? v : JSON.stringify(v, null, 2)));
    });
  config
    .command("set <key=value...>")
    .description(
      "change settings, e.g. `config set autoStart=false listenAddr=127.0.0.1:8080`; values are JSON or plain text; " +
        "`serverUrl=` or `headscalePath=` goes back to the default. Settings: " +
        Object.keys(Settings.shape).join(", "),
    )
    .action(async (pairs: string[]) => {
      const patch = patchOf(pairs);
      const view = await call("config.set", { patch: withAbsolutePaths(patch) as SettingsPatch }, LIFECYCLE_TIMEOUT_MS);
      print(
        view,
        (c) =>
          `Settings saved. Devices use ${c.serverUrl ?? "the server URL"}${c.reach ? ` (reach: ${c.reach})` : ""}.`,
      );
    });
}
