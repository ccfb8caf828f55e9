/**
 * The tailnet's ACL policy, changed the safe way: Headscale checks a policy before it is applied,
 * a rejected one changes nothing, and every applied one is kept so that one command goes back.
 * Headscale must keep its policy in its database (policy.mode: database, as the generated config
 * says); a hand-written config that reads a policy file keeps doing so, and changes are refused.
 */
import { HeadscaleApiError, type AdminClient } from "../headscale/admin-client.js";
import type { Policy } from "../protocol/types.js";
import { BadInputError, HelperFailure, NotFoundError } from "../util/failure.js";
import type { PolicyHistory } from "./policy-history.js";
import { SerialQueue } from "../util/serial-queue.js";
import { isStorageRefusal, storageProblem } from "../util/storage-errors.js";

/**
 * Headscale's refusal of a policy, in its own words, on one line. CheckPolicy refuses as bad input;
 * SetPolicy's refusals come without a kind ("failed"). Anything else (no answer, an unreadable one)
 * is not about the policy and goes on as it is.
 */
function rejection(error: unknown): never {
  if (error instanceof HeadscaleApiError && isStorageRefusal(error.reason)) {
    // Its database could not take the write (a full disk, say): the policy is not at fault.
    throw new HeadscaleApiError("failed", `Headscale could not store the policy, which is unchanged: ${error.reason}`);
  }
  if (error instanceof HeadscaleApiError && (error.kind === "bad-input" || error.kind === "failed") && error.reason) {
    if (/update is disabled|modes other than/i.test(error.reason)) {
      throw new BadInputError(
        "Headscale reads its policy from a file (policy.mode and policy.path in its config.yaml): edit that file instead",
      );
    }
    throw new BadInputError(`Headscale rejects this policy: ${error.reason.replace(/\s*\n\s*/g, " ")}`);
  }
  throw error;
}

/** The policy took, but its copy for `policy rollback` could not be written: a change made, and a failure. */
export class UnkeptPolicyError extends HelperFailure {
  constructor(cause: unknown) {
    super("failed", "the policy is applied, but no copy to go back to could be kept", { cause });
    this.name = "UnkeptPolicyError";
  }
}

export class AclPolicy {
  /** Changes one at a time: each is read, checked, applied and numbered in the history. */
  private readonly changes = new SerialQueue();

  constructor(
    private readonly admin: AdminClient,
    private readonly history: PolicyHistory,
  ) {}

  async current(): Promise<Policy> {
    let policy = "";
    let updatedAt: string | null = null;
    try {
      ({ policy, updatedAt } = await this.admin.getPolicy());
    } catch (error) {
      // In database mode with none set yet, Headscale has none to give: no policy.
      if (!(error instanceof HeadscaleApiError && error.kind === "not-found")) throw error;
    }
    return { policy, updatedAt, version: await this.versionOf(policy) };
  }

  versions() {
    return this.history.list();
  }

  async check(policy: string): Promise<void> {
    await this.admin.checkPolicy(policy).catch(rejection);
  }

  /** Checks, then applies; the policy it replaces is kept too, so the first change can be undone. */
  apply(policy: string): Promise<Policy> {
    return this.changes.run(() => this.applyNow(policy));
  }

  private async applyNow(policy: string): Promise<Policy> {
    await this.check(policy);
    const before = await this.current();
    const applied = await this.admin.setPolicy(policy).catch(rejection);
    // Kept only once Headscale took the new one: a refusal leaves the history as it was.
    let version: number | null;
    try {
      if (before.policy.trim() !== "" && before.version === null) await this.history.add(before.policy);
      version = await this.history.add(policy);
    } catch (error) {
      // Headscale holds it now: say so, rather than "failed" for a change that took.
      if (!storageProblem(error)) throw error;
      throw new UnkeptPolicyError(error);
    }
    return { policy: applied.policy, updatedAt: applied.updatedAt, version };
  }

  /** Applies `version`, or else the newest kept version that is not the current policy. */
  rollback(version?: number): Promise<Policy> {
    return this.changes.run(() => this.rollbackNow(version));
  }

  private async rollbackNow(version?: number): Promise<Policy> {
    const { policy: now } = await this.current();
    let target: string | undefined;
    if (version !== undefined) {
      target = await this.history.read(version);
      if (target === undefined) throw new NotFoundError(`no policy version ${version} (see policy history)`);
    } else {
      for (const kept of (await this.history.list()).reverse()) {
        const text = await this.history.read(kept.version);
        if (text !== undefined && text !== now) {
          target = text;
          break;
        }
      }
      if (target === undefined) throw new NotFoundError("no earlier policy to go back to");
    }
    return this.applyNow(target); // already in the queue
  }

  private async versionOf(policy: string): Promise<number | null> {
    for (const kept of (await this.history.list()).reverse()) {
      if ((await this.history.read(kept.version)) === policy) return kept.version;
    }
    return null;
  }
}
