/** `policy`: the tailnet's ACL policy, checked by Headscale before it applies, with its history. */
import { readFile } from "node:fs/promises";
import { InvalidArgumentError, type Command } from "commander";
import { MAX_POLICY_BYTES } from "../../protocol/methods.js";
import { MAX_POLICY_SIZE, versionNumber } from "../args.js";
import type { CliContext } from "../context.js";
import { EMPTY_POLICY, editPolicy } from "../edit-policy.js";
import { formatPolicyHistory } from "../format.js";

/** A policy file's text, or standard input's for "-"; refused, before sending, if it cannot be one. */
async function readPolicy(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    if (file === "-") {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      bytes = Buffer.concat(chunks);
    } else {
      bytes = await readFile(file);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (error as Error).message;
    throw new InvalidArgumentError(`cannot read ${file}: ${why}`);
  }
  if (bytes.length > MAX_POLICY_BYTES) {
    throw new InvalidArgumentError(`${file} holds ${bytes.length} bytes: a policy is at most ${MAX_POLICY_SIZE}`);
  }
  return bytes.toString("utf8");
}

export function register(program: Command, ctx: CliContext): void {
  const { print, call } = ctx;
  const policy = program
    .command("policy")
    .description("the tailnet's ACL policy: checked by Headscale before it applies, with the last 20 versions kept");
  policy
    .command("get", { isDefault: true })
    .description("print the current policy (HuJSON)")
    .action(async () =>
      print(await call("policy.get"), (p) => p.policy || "No policy is set: every device may reach every other."),
    );
  policy
    .command("check <file>")
    .description("have Headscale check a policy file (- for standard input) without applying it")
    .action(async (file: string) =>
      print(await call("policy.check", { policy: await readPolicy(file) }), () => "Headscale accepts this policy."),
    );
  policy
    .command("set <file>")
    .description("check, then apply a policy file (- for standard input); a rejected one changes nothing")
    .action(async (file: string) =>
      print(
        await call("policy.set", { policy: await readPolicy(file) }),
        (p) => `Applied policy version ${p.version}.`,
      ),
    );
  policy
    .command("edit")
    .description("edit the policy in $VISUAL or $EDITOR; it is checked and applied when the editor exits")
    .action(async () => {
      const current = await call("policy.get");
      const draft = await editPolicy(current.policy || EMPTY_POLICY);
      // The starter text left as it is, when there was no policy, is no change either.
      if (draft.text === current.policy || (current.policy === "" && draft.text === EMPTY_POLICY)) {
        await draft.discard();
        return print(current, () => "No change.");
      }
      let applied;
      try {
        applied = await call("policy.set", { policy: draft.text });
      } catch (error) {
        // Nothing typed is lost: the draft stays for the next try.
        if (error instanceof Error) error.message += `; your edit is kept in ${draft.file}`;
        throw error;
      }
      await draft.discard();
      print(applied, (p) => `Applied policy version ${p.version}.`);
    });
  policy
    .command("history")
    .description("the versions kept (the last 20 applied through Headscale Remote)")
    .action(async () => {
      const [versions, current] = await Promise.all([call("policy.history"), call("policy.get")]);
      print(versions, (v) => formatPolicyHistory(v, current.version));
    });
  policy
    .command("rollback [version]")
    .description("apply an earlier version: the one given, or the newest that differs from the current policy")
    .action(async (version?: string) =>
      print(
        await call("policy.rollback", version === undefined ? undefined : { version: versionNumber(version) }),
        (p) => `Rolled back: the policy is now version ${p.version}.`,
      ),
    );
}
