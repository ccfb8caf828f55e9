/**
 * `config set` as one transaction: merge and check the patch, have Headscale's own configtest
 * judge the candidate config, commit it, restart a running Headscale, and put everything back
 * when it will not start with it. A change of the DNS extra records alone only rewrites their
 * file: Headscale watches it and hands the records to clients without a restart.
 */
import { rm } from "node:fs/promises";
import { readIfExists, writeFileAtomic } from "../home/secure-fs.js";
import { failureMessage } from "../util/storage-errors.js";
import { checkedVersion } from "../headscale/binary.js";
import { configTest } from "../headscale/configtest.js";
import { HeadscaleStartError, type HeadscaleSupervisor } from "../headscale/supervisor.js";
import type { HomePaths } from "../home/paths.js";
import type { Settings, SettingsPatch } from "../protocol/settings.js";
import { lanAddresses } from "../os/network.js";
import { freeTcpPort, listenProblem } from "../os/ports.js";
import { checkCertificateFiles } from "./certificate-files.js";
import { withDnsDefaults } from "./dns-settings.js";
import {
  commitSettings,
  ConfigError,
  editedByHand,
  mergeSettings,
  saveSettings,
  writeExtraRecords,
  writeHeadscaleConfig,
} from "./settings-store.js";

export interface ConfigTarget {
  paths: HomePaths;
  settings: () => Settings;
  setSettings: (settings: Settings) => Promise<void>;
  supervisor: Pick<HeadscaleSupervisor, "state" | "start" | "restart" | "settled">;
  resolveBinary: (settings: Settings) => Promise<string>;
  headscaleEnv: (settings: Settings) => Promise<Record<string, string>>;
}

/** The addresses Headscale listens on, and how. */
const LISTENERS = [
  ["listenAddr", "tcp"],
  ["grpcListenAddr", "tcp"],
  ["stunListenAddr", "udp"],
] as const;

const portOf = (address: string) => address.slice(address.lastIndexOf(":") + 1);

/** Settings that only the helper reads: changing them never touches Headscale's config. */
const HELPER_ONLY: (keyof Settings)[] = [
  "autoStart",
  "headscalePath",
  "logLines",
  "apiKeyExpiration",
  "clientKeyExpiration",
];

/** True when nothing Headscale's config.yaml is made from differs: at most helper-only settings and the extra records. */
export function onlyRecordsOrHelperChanged(previous: Settings, next: Settings): boolean {
  const headscalePart = (settings: Settings) => {
    const dns = { ...withDnsDefaults(settings.dns), extraRecords: [] };
    const rest: Record<string, unknown> = { ...settings, dns };
    for (const key of HELPER_ONLY) delete rest[key];
    return JSON.stringify(rest);
  };
  return headscalePart(previous) === headscalePart(next);
}

/** Applies the patch, or throws a ConfigError and leaves the settings, the config and Headscale as they were. */
export async function changeSettings(target: ConfigTarget, patch: SettingsPatch): Promise<void> {
  const { paths, supervisor } = target;
  const previous = target.settings();
  const next = mergeSettings(previous, patch, { lanAddresses: await lanAddresses(), sparePort: await freeTcpPort() });
  if (next.tls.mode === "files" && JSON.stringify(next.tls) !== JSON.stringify(previous.tls)) {
    // Headscale would start with a bad certificate and fail only at a device's handshake.
    await checkCertificateFiles(next.tls).catch((cause: unknown) => {
      throw new ConfigError("tls", { cause });
    });
  }
  // Refuses a headscalePath that is not there: the user's mistake, so bad input.
  const binary = await target.resolveBinary(next).catch((cause: unknown) => {
    throw patch.headscalePath ? new ConfigError("headscalePath", { cause }) : cause;
  });
  if (patch.headscalePath) {
    const version = await checkedVersion(binary).catch((cause: unknown) => {
      throw new ConfigError("headscalePath", { cause });
    });
    if (!version) {
      throw new ConfigError(
        `headscalePath: ${binary} is not a Headscale executable (\`${binary} version\` did not answer as Headscale does)`,
      );
    }
  }
  if (Object.keys(patch).every((key) => HELPER_ONLY.includes(key as keyof Settings))) {
    await saveSettings(paths, next);
    await target.setSettings(next);
    return;
  }
  if (await editedByHand(paths)) {
    throw new ConfigError(
      `${paths.headscaleConfig} was edited by hand, so the helper will not rewrite it; ` +
        "edit it directly, or move it away to go back to a generated config",
    );
  }
  if (onlyRecordsOrHelperChanged(previous, next)) {
    const records = await readIfExists(paths.extraRecords);
    await writeExtraRecords(paths, next);
    try {
      await saveSettings(paths, next);
    } catch (error) {
      if (records !== undefined) await writeFileAtomic(paths.extraRecords, records).catch(() => {});
      throw error;
    }
    await target.setSettings(next);
    return;
  }
  // Another program on a new address would answer /health for Headscale, which then fails to bind:
  // the change looked applied while Headscale crashed. So a new address must be free first.
  for (const [key, protocol] of LISTENERS) {
    // The same port on another host (reach=lan) is held by our own Headscale until it restarts.
    if (portOf(next[key]) === portOf(previous[key])) continue;
    const problem = await listenProblem(next[key], protocol);
    if (problem) throw new ConfigError(`${key}: Headscale cannot listen on ${next[key]}: ${problem}`);
  }
  const candidate = paths.headscaleConfig.replace(/\.yaml$/, ".candidate.yaml"); // Headscale goes by the extension
  await writeHeadscaleConfig(paths, next, candidate);
  // configtest opens the database: never beside a first start still creating its tables
  // ("table database_versions already exists" when the two raced on a new home).
  await supervisor.settled();
  const problem = await configTest(binary, candidate, await target.headscaleEnv(next));
  if (problem) {
    await rm(candidate, { force: true });
    throw new ConfigError(`Headscale rejects these settings: ${problem}`);
  }
  const change = await commitSettings(paths, next, candidate);
  await target.setSettings(next);
  if (supervisor.state !== "running" && supervisor.state !== "crashed") return change.settle();
  try {
    await supervisor.restart();
    await change.settle();
  } catch (error) {
    await change.rollback();
    await saveSettings(paths, previous);
    await target.setSettings(previous);
    await supervisor.start().catch(() => {});
    // Headscale's last complaint goes after the cause's line, so this message says the cause itself;
    // the start's data (its log tail, whether a Headscale must be downloaded) goes along.
    throw new ConfigError(
      `Headscale would not start with the new settings, so the previous ones are back: ${failureMessage(error)}${lastComplaint(error)}`,
      { cause: error, causeSaid: true, data: error instanceof HeadscaleStartError ? error.data : undefined },
    );
  }
}

/**
 * Headscale's last error line before a failed start: a refused ACME order or a TLS handshake
 * error says more than "did not answer /health".
 */
function lastComplaint(error: unknown): string {
  if (!(error instanceof HeadscaleStartError)) return "";
  // Our own health probes cause handshake errors too: Headscale's ERR/FTL lines say more.
  const line =
    error.logTail.findLast((text) => / (ERR|FTL) /.test(text)) ??
    error.logTail.findLast((text) => /handshake error/.test(text));
  return line ? `; Headscale said: ${line.replace(/^\S+ (ERR|FTL) /, "")}` : "";
}
