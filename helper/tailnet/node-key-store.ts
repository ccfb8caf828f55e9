/**
 * The pre-auth key of this computer's own tailnet node: reusable, not ephemeral, long-lived,
 * kept 0600 and used again on later starts. A new one is made only when Headscale refuses it.
 */
import { rm } from "node:fs/promises";
import { z } from "zod";
import { readJsonIfExists, writeFileAtomic } from "../home/secure-fs.js";

export const NodeKey = z.object({
  account: z.string(),
  user: z.string(),
  keyId: z.string(),
  preAuthKey: z.string(),
  expiresAt: z.string(),
});
export type NodeKey = z.infer<typeof NodeKey>;

export class NodeKeyStore {
  constructor(private readonly path: string) {}

  /** The stored key, or undefined when there is none or it cannot be read (it is then replaced). */
  async load(): Promise<NodeKey | undefined> {
    const json = await readJsonIfExists(this.path).catch(() => undefined);
    const parsed = NodeKey.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  }

  save(key: NodeKey): Promise<void> {
    return writeFileAtomic(this.path, JSON.stringify(key));
  }

  forget(): Promise<void> {
    return rm(this.path, { force: true });
  }
}
