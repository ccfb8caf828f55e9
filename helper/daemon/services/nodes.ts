/** Nodes: Headscale's listing of them, and the rules of every change made to one through the helper. */
import { HeadscaleApiError, type AdminClient, type HeadscaleNode } from "../../headscale/admin-client.js";
import { toNode } from "../../headscale/admin-schemas.js";
import { findAuthId } from "../../headscale/registration.js";
import { changeApproved } from "../../headscale/routes.js";
import type { Node } from "../../protocol/types.js";
import type { TailnetBridge } from "../../tailnet/bridge.js";
import { SerialQueue } from "../../util/serial-queue.js";
import { BadInputError, ConflictError, orNotFound } from "../errors.js";
import type { UserService } from "./users.js";

/** How long `status` may show the node's name as last learnt before asking Headscale again. */
const NAME_FRESH_MS = 10_000;

export interface NodeServiceDeps {
  admin: AdminClient;
  /** This computer's own node, which must rejoin when Headscale's record of it is deleted. */
  bridge: Pick<TailnetBridge, "hasNode" | "rejoinIfMine">;
  users: Pick<UserService, "namedOrOwn">;
  headscaleRunning: () => boolean;
  /** One line in the helper's log for a change made through it. */
  audit: (what: string) => void;
  /** Nodes were added, changed or removed: the counts `status` shows catch up. */
  nodesChanged: () => void;
}

export class NodeService {
  /** Read, change, write: two quick approvals (Raycast's actions) must not lose one. */
  private readonly routeChanges = new SerialQueue();

  /** What nameAt last learnt: this computer's node's name in Headscale. */
  private lastName?: { ipv4: string; name: string; at: number };
  private asking = false;

  constructor(private readonly deps: NodeServiceDeps) {}

  /** Headscale's own listing, unconverted: an unchanged one is the same array again. */
  list(user: string | undefined): Promise<readonly HeadscaleNode[]> {
    const listing = this.deps.admin.listNodes(user);
    return user === undefined ? listing : orNotFound(listing, `no user named ${user}`);
  }

  /**
   * The name Headscale gives the node at this address, which may not be the one asked for (taken:
   * "vm-1"; renamed since). Undefined when Headscale cannot say now.
   */
  async nameAt(ipv4: string | null): Promise<string | undefined> {
    if (!ipv4 || !this.deps.headscaleRunning()) return undefined;
    const nodes = await this.deps.admin.listNodes().catch(() => []);
    const name = nodes.find((node) => node.ipAddresses.includes(ipv4))?.givenName || undefined;
    if (name) this.lastName = { ipv4, name, at: Date.now() };
    return name;
  }

  /**
   * nameAt without waiting, for `status`, which answers from memory (every CLI command and the
   * menu bar ask it, and a listing of the whole tailnet each time would cost Headscale): the name
   * last learnt, asked again in the background once it is older than NAME_FRESH_MS.
   */
  knownNameAt(ipv4: string | null): string | undefined {
    if (!ipv4) return undefined;
    const last = this.lastName?.ipv4 === ipv4 ? this.lastName : undefined;
    if (!this.asking && (!last || Date.now() - last.at > NAME_FRESH_MS)) {
      this.asking = true;
      void this.nameAt(ipv4).finally(() => (this.asking = false));
    }
    return last?.name;
  }

  async rename(id: string, name: string): Promise<Node> {
    const { admin } = this.deps;
    // Headscale refuses a taken name only as an unknown error ("node name is not unique"): ask first.
    const holder = (await admin.listNodes()).find((node) => node.givenName === name && String(node.id) !== id);
    if (holder) throw new ConflictError(`name: ${name} is taken by node ${holder.id}; choose another`);
    const node = toNode(await orNotFound(admin.renameNode(id, name), notFound(id)));
    if (this.lastName && node.ipAddresses.includes(this.lastName.ipv4)) this.lastName = { ...this.lastName, name };
    this.changed(`renamed node ${id} to ${name}`);
    return node;
  }

  async expire(id: string): Promise<Node> {
    const node = toNode(await orNotFound(this.deps.admin.expireNode(id), notFound(id)));
    this.changed(`expired node ${id}`);
    return node;
  }

  async delete(id: string): Promise<void> {
    const { admin, bridge } = this.deps;
    // Only a helper running its own node needs to know whose node this was.
    const deleted = bridge.hasNode ? await orNotFound(admin.getNode(id), notFound(id)) : undefined;
    await orNotFound(admin.deleteNode(id), notFound(id));
    if (deleted) bridge.rejoinIfMine([...deleted.ipAddresses]);
    this.changed(`deleted node ${id}`);
  }

  /** Registers a device that ran `tailscale up` without a key, by the URL or key it printed. */
  async register(key: string, user: string | undefined): Promise<Node> {
    const authId = findAuthId(key);
    if (!authId) {
      throw new BadInputError(
        "no registration key there: paste the URL the device printed (…/register/hskey-authreq-…) or the key in it",
      );
    }
    const owner = await this.deps.users.namedOrOwn(user);
    const node = toNode(
      await orNotFound(
        this.deps.admin.registerNode(owner.name, authId),
        "no device is waiting with that key: it may have given up (run `tailscale up` on it again)",
      ),
    );
    this.changed(`registered node ${node.id} (${node.givenName}) to ${owner.name}`);
    return node;
  }

  async routes(id: string, approve: string[], unapprove: string[]): Promise<Node> {
    const { admin } = this.deps;
    const updated = await this.routeChanges.run(async () => {
      const node = await orNotFound(admin.getNode(id), notFound(id));
      const routes = changeApproved(node.approvedRoutes, approve, unapprove);
      return toNode(await orNotFound(admin.setApprovedRoutes(id, routes), notFound(id)));
    });
    this.changed(
      `approved routes of node ${id} (${updated.givenName}): ${updated.approvedRoutes.join(", ") || "none"}`,
    );
    return updated;
  }

  async tag(id: string, tags: string[]): Promise<Node> {
    const updated = toNode(
      await orNotFound(this.deps.admin.setTags(id, tags), notFound(id)).catch((error) => {
        if (error instanceof HeadscaleApiError && /not permitted/.test(error.reason)) {
          throw new BadInputError(`${error.reason}: the policy's tagOwners must name each tag (see \`policy get\`)`);
        }
        throw error;
      }),
    );
    // Tags change no count: no refresh.
    this.deps.audit(`tagged node ${id} (${updated.givenName}): ${updated.tags.join(", ")}`);
    return updated;
  }

  /** A change to the nodes made: the counts catch up, and the log says what it was. */
  private changed(what: string): void {
    this.deps.nodesChanged();
    this.deps.audit(what);
  }
}

const notFound = (id: string) => `no node with id ${id}`;
