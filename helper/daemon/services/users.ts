/** Headscale's users, and the rules of changing them: names are unique, and a user's nodes go first. */
import type { Accounts } from "../../accounts/accounts.js";
import type { AdminClient } from "../../headscale/admin-client.js";
import { toUser } from "../../headscale/admin-schemas.js";
import type { User } from "../../protocol/types.js";
import type { TailnetBridge } from "../../tailnet/bridge.js";
import { ConflictError, isNotFound, NotFoundError } from "../errors.js";

export interface UserServiceDeps {
  admin: AdminClient;
  accounts: Pick<Accounts, "ownUser">;
  /** This computer's own node, which must rejoin when Headscale's record of it is deleted. */
  bridge: Pick<TailnetBridge, "rejoinIfMine">;
  /** One line in the helper's log for a change made through it. */
  audit: (what: string) => void;
  /** Nodes were removed: the counts `status` shows catch up. */
  nodesChanged: () => void;
}

export class UserService {
  constructor(private readonly deps: UserServiceDeps) {}

  async named(name: string): Promise<{ id: string; name: string }> {
    const [user] = await this.deps.admin.listUsers(name);
    if (!user) throw new NotFoundError(`no user named ${name}`);
    return user;
  }

  /** The named user, or the person's own (created on first use) when none is named. */
  namedOrOwn(name: string | undefined): Promise<{ id: string; name: string }> {
    return name ? this.named(name) : this.deps.accounts.ownUser();
  }

  async list(): Promise<User[]> {
    return (await this.deps.admin.listUsers()).map(toUser);
  }

  async create(name: string): Promise<User> {
    await this.refuseTaken(name);
    const user = toUser(await this.deps.admin.createUser(name));
    this.deps.audit(`created user ${name}`);
    return user;
  }

  async rename(name: string, newName: string): Promise<User> {
    const user = await this.named(name);
    await this.refuseTaken(newName);
    const renamed = toUser(await this.deps.admin.renameUser(user.id, newName));
    this.deps.audit(`renamed user ${name} to ${newName}`);
    return renamed;
  }

  /**
   * Refused while the user owns nodes, unless `force`: then those nodes are deleted first.
   * Answers how many were.
   */
  async delete(name: string, force: boolean): Promise<number> {
    const { admin, bridge } = this.deps;
    const user = await this.named(name);
    // Tagged nodes belong to their tags, not to the user: only the user's own nodes block it.
    const owned = (await admin.listNodes(name)).filter((node) => node.tags.length === 0);
    if (owned.length > 0 && !force) {
      throw new ConflictError(
        `${name} still owns ${owned.length} node${owned.length === 1 ? "" : "s"}: delete them first, or use --force to delete them too`,
      );
    }
    for (const node of owned) {
      // One that went meanwhile is as good as deleted.
      await admin.deleteNode(node.id).catch((error) => {
        if (!isNotFound(error)) throw error;
      });
    }
    await admin.deleteUser(user.id);
    // Only now: rejoining earlier could bring this computer's own node back under the user
    // being deleted, and Headscale would then refuse to delete it.
    for (const node of owned) bridge.rejoinIfMine([...node.ipAddresses]);
    this.deps.nodesChanged();
    this.deps.audit(`deleted user ${name}${owned.length ? ` and ${owned.length} of its nodes` : ""}`);
    return owned.length;
  }

  private async refuseTaken(name: string): Promise<void> {
    if ((await this.deps.admin.listUsers(name)).length > 0)
      throw new ConflictError(`a user named ${name} already exists`);
  }
}
