/**
 * `policy edit`: the policy in the person's own editor, in a private file that outlives a
 * rejected edit, so that nothing typed is lost.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError } from "commander";
import { execa } from "execa";

/** What a new policy starts from: Headscale's own shape, allowing everything as no policy does. */
export const EMPTY_POLICY = `// Headscale ACL policy (HuJSON). Saved and closed, it is checked by Headscale, then applied.
{
  "acls": [{ "action": "accept", "src": ["*"], "dst": ["*:*"] }],
}
`;

export interface PolicyDraft {
  file: string;
  text: string;
  discard(): Promise<void>;
}

export async function editPolicy(policy: string, env = process.env): Promise<PolicyDraft> {
  const editor = env.VISUAL || env.EDITOR;
  if (!editor) throw new InvalidArgumentError("set $EDITOR (or $VISUAL) to edit the policy, or use `policy set FILE`");
  const dir = await mkdtemp(join(tmpdir(), "headscale-policy-")); // 0700
  const file = join(dir, "policy.hujson");
  await writeFile(file, policy, { mode: 0o600 });
  // Through a shell, as git does: $EDITOR may carry its own arguments ("code --wait").
  const quoted = `'${file.replace(/'/g, `'\\''`)}'`;
  const run = await execa(`${editor} ${quoted}`, { shell: true, stdio: "inherit", reject: false });
  if (run.exitCode !== 0) {
    const how = run.signal ? `was ended by ${run.signal}` : `exited with ${run.exitCode}`;
    // Kept only if something was typed: an untouched copy of the policy is nobody's work.
    if ((await readFile(file, "utf8").catch(() => policy)) === policy) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`${editor} ${how}; nothing was changed`);
    }
    throw new Error(`${editor} ${how}; your edit is kept in ${file}`);
  }
  return {
    file,
    text: await readFile(file, "utf8"),
    discard: () => rm(dir, { recursive: true, force: true }),
  };
}
