import { execa } from "execa";
import { redact } from "../logs/redact.js";
import { headscaleEnv } from "./child-env.js";

/** Asks Headscale itself whether it would start with this config; returns its complaint, if any. */
export async function configTest(
  binary: string,
  configPath: string,
  extraEnv: Record<string, string> = {},
): Promise<string | undefined> {
  const result = await execa(binary, ["configtest", "-c", configPath], {
    env: headscaleEnv(process.env, extraEnv),
    extendEnv: false,
    reject: false,
    timeout: 30_000,
  });
  if (result.exitCode === 0 && !result.failed) return undefined;
  const output = `${result.stderr}\n${result.stdout}`
    .split("\n")
    .filter((line) => /FTL|ERR|error|fatal/i.test(line))
    .map(redact)
    .join("\n");
  return output.trim() || result.shortMessage;
}
