/** The tailnet's ACL policy as changed through the helper: AclPolicy's rules, and a log line for each change. */
import { UnkeptPolicyError, type AclPolicy } from "../../policy/acl-policy.js";
import type { Policy } from "../../protocol/types.js";

export interface PolicyServiceDeps {
  policy: AclPolicy;
  /** One line in the helper's log for a change made through it. */
  audit: (what: string) => void;
}

export class PolicyService {
  constructor(private readonly deps: PolicyServiceDeps) {}

  current(): Promise<Policy> {
    return this.deps.policy.current();
  }

  /** Headscale's verdict on a policy, without applying it: throws when it is refused. */
  check(policy: string): Promise<void> {
    return this.deps.policy.check(policy);
  }

  async apply(policy: string): Promise<Policy> {
    const applied = await this.deps.policy.apply(policy).catch((error: unknown) => {
      // Applied all the same: the log keeps one line per change made.
      if (error instanceof UnkeptPolicyError) this.deps.audit("applied an ACL policy; no copy of it could be kept");
      throw error;
    });
    this.deps.audit(`applied ACL policy version ${applied.version}`);
    return applied;
  }

  versions(): ReturnType<AclPolicy["versions"]> {
    return this.deps.policy.versions();
  }

  async rollback(version: number | undefined): Promise<Policy> {
    const applied = await this.deps.policy.rollback(version);
    this.deps.audit(`rolled the ACL policy back (now version ${applied.version})`);
    return applied;
  }
}
