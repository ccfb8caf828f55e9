/**
 * The environment Headscale runs with. Every HEADSCALE_* variable is removed: Headscale
 * lets any of them override its config file, so a stray one in the user's shell would
 * silently rewrite the config we generated and validated.
 */
export function headscaleEnv(parent: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) {
    if (value !== undefined && !key.toUpperCase().startsWith("HEADSCALE_")) env[key] = value;
  }
  return { ...env, ...extra };
}
