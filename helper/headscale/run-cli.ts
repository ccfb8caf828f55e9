import { execa, type Result } from "execa";
import { headscaleEnv } from "./child-env.js";

/**
 * One short run of Headscale's own CLI (version, configtest). It never throws:
 * the caller reads the exit code and output. It never sees the caller's HEADSCALE_* variables.
 */
export function runHeadscaleCli(
  binary: string,
  args: string[],
  options: { extraEnv?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Result<{ reject: false }>> {
  return execa(binary, args, {
    env: headscaleEnv(process.env, options.extraEnv),
    extendEnv: false,
    reject: false,
    timeout: options.timeoutMs ?? 30_000,
  }) as Promise<Result<{ reject: false }>>;
}
