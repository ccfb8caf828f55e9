/** What the handler tables are given: the services they adapt to, and the guards they wrap calls in. */
import type { LogStore } from "../../logs/log-store.js";
import type { BridgeService } from "../services/bridge.js";
import type { KeyService } from "../services/keys.js";
import type { Lifecycle } from "../services/lifecycle.js";
import type { NodeService } from "../services/nodes.js";
import type { PolicyService } from "../services/policy.js";
import type { ServerService } from "../services/server.js";
import type { UserService } from "../services/users.js";
import type { ChangeGuard, Guard } from "./guards.js";

export interface HandlerDeps {
  lifecycle: Lifecycle;
  nodes: NodeService;
  users: UserService;
  keys: KeyService;
  policy: PolicyService;
  logs: Pick<LogStore, "tail" | "follow">;
  server: ServerService;
  bridge: BridgeService;
  /** For calls that need Headscale running. */
  viaHeadscale: Guard;
  /** For changes a newer build must not cut short. */
  change: ChangeGuard;
}
