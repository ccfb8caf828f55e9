import { redact } from "../logs/redact.js";
import { runHeadscaleCli } from "./run-cli.js";

/** Asks Headscale itself whether it would start with this config; returns its complaint, if any. */
export async function configTest(
  binary: string,
  configPath: string,
  extraEnv: Record<string, string> = {},
): Promise<string | undefined> {
  const result = await runHeadscaleCli(binary, ["configtest", "-c", configPath], { extraEnv });
  if (result.exitCode === 0 && !result.failed) return undefined;
  const output = `${result.stderr}\n${result.stdout}`
    .split("\n")
    .filter((line) => /FTL|ERR|error|fatal/i.test(line))
    .map(redact)
    .join("\n");
  return output.trim() || result.shortMessage;
}
