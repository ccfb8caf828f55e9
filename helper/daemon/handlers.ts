/** What each RPC method does, in terms of the helper's parts. */
import type { Accounts } from "../accounts/accounts.js";
import { durationMs } from "../util/duration.js";
import { SerialQueue } from "../util/serial-queue.js";
import type { HeadscaleAddresses } from "../config/addresses.js";
import { reachOfListener } from "../config/reach.js";
import { editedByHand } from "../config/settings-store.js";
import { checkReachability } from "../reachability/check.js";
import { changeSettings, type ConfigTarget } from "../config/transaction.js";
import { HeadscaleApiError, type AdminClient, type HeadscaleNode } from "../headscale/admin-client.js";
import { toApiKey, toNode, toPreAuthKey, toUser } from "../headscale/admin-schemas.js";
import { findAuthId } from "../headscale/registration.js";
import { changeApproved } from "../headscale/routes.js";
import type { AclPolicy } from "../policy/acl-policy.js";
import type { HeadscaleSupervisor } from "../headscale/supervisor.js";
import type { LogStore } from "../logs/log-store.js";
import { BRIDGE_UP_WAIT_MS, leanNode, type Status } from "../protocol/schema.js";
import { helperVersion } from "../project.js";
import { BadInputError, isNotFound, NotFoundError, NotRunningError, orNotFound } from "./errors.js";
import type { NodeCounts } from "./node-counts.js";
import type { TailnetBridge } from "../tailnet/bridge.js";
import { answeredOnce, type Handlers } from "./rpc-server.js";

export interface HelperParts extends ConfigTarget {
  /** Where Headscale listens and what URL devices use, as it runs now. */
  addresses: () => HeadscaleAddresses;
  /** The URL devices log in to, as Headscale runs now (a hand-edited config's own). */
  serverUrl: () => string;
  supervisor: HeadscaleSupervisor;
  admin: AdminClient;
  accounts: Accounts;
  policy: AclPolicy;
  logs: LogStore;
  counts: NodeCounts;
  bridge: TailnetBridge;
  headscaleVersion: () => string | null;
  /** This helper's build (see buildOf), or null when it runs inside another program. */
  build: string | null;
  /** The file this helper runs from; null inside another program. */
  entry: string | null;
  shutdown: () => void;
}

export function createHandlers(parts: HelperParts): Handlers {
  const { supervisor, admin, logs, paths } = parts;
  const listedNodes = answeredOnce((nodes: HeadscaleNode[]) => nodes.map((node) => leanNode(toNode(node))));

  const status = (): Status => {
    const startedAt = supervisor.startedAt;
    return {
      helper: {
        version: helperVersion(),
        build: parts.build,
        entry: parts.entry,
        pid: process.pid,
        home: paths.home,
        socket: paths.helperSocket,
      },
      headscale: {
        state: supervisor.state,
        pid: supervisor.pid,
        startedAt: startedAt?.toISOString() ?? null,
        uptimeSeconds: startedAt ? Math.round((Date.now() - startedAt.getTime()) / 1000) : null,
        serverUrl: parts.serverUrl(),
        version: parts.headscaleVersion(),
        binary: supervisor.binary,
        autoStart: parts.settings().autoStart,
        restarts: supervisor.restarts,
        lastError: supervisor.lastError,
        lastErrorLog: supervisor.lastErrorLog,
        nodes: supervisor.state === "running" ? parts.counts.current : null,
      },
      tailnet: parts.bridge.tailnetStatus(),
    };
  };

  /**
   * For calls that need Headscale. They wait out a start under way (the helper's auto-start,
   * a restart, a crash restart): the first command after launching a helper is one. Then, if
   * it is not running, they fail with the reason instead of a connection error.
   */
  const notRunning = () => new NotRunningError(supervisor.state, supervisor.lastError, supervisor.restartPending);

  const viaHeadscale =
    <P, R>(handler: (params: P) => Promise<R>) =>
    async (params: P): Promise<R> => {
      // A loop: another client's restart may begin between the wait and the check.
      while (supervisor.state === "starting") await supervisor.settled();
      if (supervisor.state !== "running") throw notRunning();
      try {
        return await handler(params);
      } catch (error) {
        // Stopped or restarted by someone else meanwhile: that is the reason worth giving,
        // not how the request broke (a refused connection, its socket gone).
        if (supervisor.state !== "running") throw notRunning();
        throw error;
      }
    };

  const afterNodeChange = <T>(value: T): T => {
    void parts.counts.refresh();
    return value;
  };

  /** One line in the helper's log for each change made through it: who changed the tailnet, and how. */
  const changed = <T>(what: string, value: T): T => {
    logs.append("helper", what);
    return value;
  };

  const routeChanges = new SerialQueue();
  // One settings change at a time: each keeps the previous files and a pending mark of its own.
  const settingsChanges = new SerialQueue();

  // What a client of another build must not cut short by replacing this helper: changes whose
  // caller awaits the answer. Counted per kind, so `busy` can say which.
  const underWay = new Map<string, number>();
  let handingOver = false;
  const change =
    <P, R>(what: string, handler: (params: P) => Promise<R>) =>
    async (params: P): Promise<R> => {
      // Only in the moment between agreeing to stop and closing the socket: refused, not cut in half.
      if (handingOver) throw new Error("the helper is stopping to let a newer build take over; run it again");
      underWay.set(what, (underWay.get(what) ?? 0) + 1);
      try {
        return await handler(params);
      } finally {
        underWay.set(what, underWay.get(what)! - 1);
      }
    };
  const bridgeConnections = async () => {
    // Without a node there is nothing to count, and asking would load the addon (a Go runtime) for nothing.
    if (!parts.bridge.hasNode) return 0;
    const bridge = await parts.bridge.status().catch(() => undefined);
    return bridge?.mappings.reduce((sum, mapping) => sum + mapping.active, 0) ?? 0;
  };

  const userNamed = async (name: string) => {
    const [user] = await admin.listUsers(name);
    if (!user) throw new NotFoundError(`no user named ${name}`);
    return user;
  };
  /** The named user, or the person's own (created on first use) when none is named. */
  const userOrOwn = (name: string | undefined) => (name ? userNamed(name) : parts.accounts.ownUser());

  /**
   * This computer's node by the name Headscale gives it, which may not be the one asked for (taken:
   * "vm-1"; renamed since). Undefined when Headscale cannot say now.
   */
  const headscaleName = async (ipv4: string | null): Promise<string | undefined> => {
    if (!ipv4 || supervisor.state !== "running") return undefined;
    const nodes = await admin.listNodes().catch(() => []);
    return nodes.find((node) => node.ipAddresses.includes(ipv4))?.givenName || undefined;
  };
  const named = async <S extends { ipv4: string | null; hostname: string | null }>(status: S): Promise<S> => {
    const name = await headscaleName(status.ipv4);
    return name ? { ...status, hostname: name } : status;
  };

  const configView = async () => {
    const { listenAddr, tlsHostname, serverUrl } = parts.addresses();
    return {
      settings: parts.settings(),
      configPath: paths.headscaleConfig,
      editedByHand: await editedByHand(paths),
      reach: reachOfListener(listenAddr, Boolean(tlsHostname)),
      serverUrl,
    };
  };

  return {
    status,
    "headscale.start": change("a Headscale start", async () => {
      await supervisor.start();
      return status();
    }),
    "headscale.stop": change("a Headscale stop", async () => {
      await supervisor.stop();
      return status();
    }),
    "headscale.restart": change("a Headscale restart", async () => {
      await supervisor.restart();
      return status();
    }),

    "nodes.list": viaHeadscale(async (params) => {
      const user = params?.user;
      const nodes = await orNotFound(admin.listNodes(user), `no user named ${user}`);
      return listedNodes(nodes);
    }),
    "nodes.rename": viaHeadscale(async ({ id, name }) => {
      // Headscale refuses a taken name only as an unknown error ("node name is not unique"): ask first.
      const holder = (await admin.listNodes()).find((node) => node.givenName === name && String(node.id) !== id);
      if (holder) throw new BadInputError(`name: ${name} is taken by node ${holder.id}; choose another`);
      return changed(
        `renamed node ${id} to ${name}`,
        afterNodeChange(toNode(await orNotFound(admin.renameNode(id, name), `no node with id ${id}`))),
      );
    }),
    "nodes.expire": viaHeadscale(async ({ id }) =>
      changed(
        `expired node ${id}`,
        afterNodeChange(toNode(await orNotFound(admin.expireNode(id), `no node with id ${id}`))),
      ),
    ),
    "nodes.delete": viaHeadscale(async ({ id }) => {
      // Only a helper running its own node needs to know whose node this was.
      const deleted = parts.bridge.hasNode ? await orNotFound(admin.getNode(id), `no node with id ${id}`) : undefined;
      await orNotFound(admin.deleteNode(id), `no node with id ${id}`);
      if (deleted) parts.bridge.rejoinIfMine(deleted.ipAddresses);
      return changed(`deleted node ${id}`, afterNodeChange({ ok: true as const }));
    }),
    "nodes.register": viaHeadscale(async ({ key, user }) => {
      const authId = findAuthId(key);
      if (!authId) {
        throw new BadInputError(
          "no registration key there: paste the URL the device printed (…/register/hskey-authreq-…) or the key in it",
        );
      }
      const owner = await userOrOwn(user);
      const node = toNode(
        await orNotFound(
          admin.registerNode(owner.name, authId),
          "no device is waiting with that key: it may have given up (run `tailscale up` on it again)",
        ),
      );
      return changed(`registered node ${node.id} (${node.givenName}) to ${owner.name}`, afterNodeChange(node));
    }),
    "nodes.routes": viaHeadscale(async ({ id, approve, unapprove }) => {
      // Read, change, write: two quick approvals (Raycast's actions) must not lose one.
      const updated = await routeChanges.run(async () => {
        const node = await orNotFound(admin.getNode(id), `no node with id ${id}`);
        const routes = changeApproved(node.approvedRoutes, approve, unapprove);
        return toNode(await orNotFound(admin.setApprovedRoutes(id, routes), `no node with id ${id}`));
      });
      return changed(
        `approved routes of node ${id} (${updated.givenName}): ${updated.approvedRoutes.join(", ") || "none"}`,
        afterNodeChange(updated),
      );
    }),
    "nodes.tag": viaHeadscale(async ({ id, tags }) => {
      const updated = toNode(
        await orNotFound(admin.setTags(id, tags), `no node with id ${id}`).catch((error) => {
          if (error instanceof HeadscaleApiError && /not permitted/.test(error.reason)) {
            throw new BadInputError(`${error.reason}: the policy's tagOwners must name each tag (see \`policy get\`)`);
          }
          throw error;
        }),
      );
      return changed(`tagged node ${id} (${updated.givenName}): ${updated.tags.join(", ")}`, updated);
    }),

    "users.list": viaHeadscale(async () => (await admin.listUsers()).map(toUser)),
    "users.create": viaHeadscale(async ({ name }) => {
      if ((await admin.listUsers(name)).length > 0) throw new BadInputError(`a user named ${name} already exists`);
      return changed(`created user ${name}`, toUser(await admin.createUser(name)));
    }),
    "users.rename": viaHeadscale(async ({ name, newName }) => {
      const user = await userNamed(name);
      if ((await admin.listUsers(newName)).length > 0)
        throw new BadInputError(`a user named ${newName} already exists`);
      return changed(`renamed user ${name} to ${newName}`, toUser(await admin.renameUser(user.id, newName)));
    }),
    "users.delete": viaHeadscale(async ({ name, force }) => {
      const user = await userNamed(name);
      // Tagged nodes belong to their tags, not to the user: only the user's own nodes block it.
      const owned = (await admin.listNodes(name)).filter((node) => node.tags.length === 0);
      if (owned.length > 0 && !force) {
        throw new BadInputError(
          `${name} still owns ${owned.length} node${owned.length === 1 ? "" : "s"}: delete them first, or use --force (force: true) to delete them too`,
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
      for (const node of owned) parts.bridge.rejoinIfMine(node.ipAddresses);
      return changed(
        `deleted user ${name}${owned.length ? ` and ${owned.length} of its nodes` : ""}`,
        afterNodeChange({ ok: true as const, deletedNodes: owned.length }),
      );
    }),

    "apiKeys.create": viaHeadscale(async (params) => {
      const expiration = params?.expiration ?? parts.settings().apiKeyExpiration;
      const expiresAt = new Date(Date.now() + durationMs(expiration));
      const apiKey = await admin.createApiKey(expiresAt);
      logs.append("helper", `created an API key expiring ${expiresAt.toISOString()}`);
      return { apiKey, expiresAt: expiresAt.toISOString() };
    }),
    "apiKeys.list": viaHeadscale(async () => (await admin.listApiKeys()).map(toApiKey)),
    "apiKeys.expire": viaHeadscale(async ({ prefix }) => {
      await admin.expireApiKey(prefix);
      return { ok: true as const };
    }),

    "preAuthKeys.mint": viaHeadscale(async (params) => {
      const remote = parts.bridge.remote();
      const name = remote && (await headscaleName(remote.remoteIp));
      const result = { ...(await parts.accounts.mint(params)), ...remote, ...(name && { remoteHostname: name }) };
      logs.append(
        "helper",
        `${result.reused ? "reused" : "minted"} a pre-auth key for device ${JSON.stringify(params.deviceId)} of ${result.user}`,
      );
      return result;
    }),
    "preAuthKeys.create": viaHeadscale(async ({ user, reusable, ephemeral, tags, expiration }) => {
      if (user === null && tags.length === 0) throw new BadInputError("a key for no user must give tags");
      const owner = user === null ? null : await userOrOwn(user);
      const expiresAt = new Date(Date.now() + durationMs(expiration ?? parts.settings().clientKeyExpiration));
      const created = await admin.createPreAuthKey({
        userId: owner?.id ?? "0", // 0: nobody's; the key's tags own the devices it joins
        expiration: expiresAt,
        reusable,
        ephemeral,
        tags,
      });
      const flags = [reusable && "reusable", ephemeral && "ephemeral", ...tags].filter(Boolean).join(", ");
      return changed(`created pre-auth key ${created.id} for ${owner?.name ?? "tags"}${flags ? ` (${flags})` : ""}`, {
        id: created.id,
        preAuthKey: created.key,
        user: owner?.name ?? null,
        reusable,
        ephemeral,
        tags: created.aclTags,
        expiresAt: created.expiration ?? expiresAt.toISOString(),
        coordinationUrl: parts.serverUrl(),
      });
    }),
    "preAuthKeys.list": viaHeadscale(async () =>
      (await admin.listPreAuthKeys()).map((key) => ({ ...toPreAuthKey(key), device: parts.accounts.deviceOf(key.id) })),
    ),
    "preAuthKeys.expire": viaHeadscale(async ({ id }) => {
      // Headscale 0.29 answers success for an id it does not have.
      const key = (await admin.listPreAuthKeys()).find((listed) => listed.id === id);
      if (!key) throw new NotFoundError(`no pre-auth key with id ${id}`);
      // Expiring it again would move its expiry later: it stays as it is.
      if (key.expiration !== null && Date.parse(key.expiration) <= Date.now()) return { ok: true as const };
      await admin.expirePreAuthKey(id);
      return changed(`expired pre-auth key ${id}`, { ok: true as const });
    }),

    "policy.get": viaHeadscale(() => parts.policy.current()),
    "policy.check": viaHeadscale(async ({ policy }) => {
      await parts.policy.check(policy);
      return { ok: true as const };
    }),
    "policy.set": viaHeadscale(async ({ policy }) => {
      const applied = await parts.policy.apply(policy);
      return changed(`applied ACL policy version ${applied.version}`, applied);
    }),
    "policy.history": () => parts.policy.versions(),
    "policy.rollback": viaHeadscale(async (params) => {
      const applied = await parts.policy.rollback(params?.version);
      return changed(`rolled the ACL policy back (now version ${applied.version})`, applied);
    }),

    "logs.tail": (params) => logs.tail(params?.lines ?? 100),
    "logs.follow": (_params, connection) => {
      connection.follow?.();
      connection.follow = logs.follow((line) => connection.notify("logs.line", line));
      return { ok: true as const };
    },
    "logs.unfollow": (_params, connection) => {
      connection.follow?.();
      connection.follow = undefined;
      return { ok: true as const };
    },

    "config.get": configView,
    "server.reachability": () => checkReachability(parts),
    "config.set": change("a settings change", async ({ patch }) => {
      await settingsChanges.run(() => changeSettings(parts, patch));
      return configView();
    }),

    "bridge.up": change("a bridge change", async (params) => {
      await parts.bridge.add(params);
      // Outside the bridge's queue: a slow join holds no other change up.
      return named(await parts.bridge.running(BRIDGE_UP_WAIT_MS));
    }),
    "bridge.down": change("a bridge change", async (params) => named(await parts.bridge.remove(params?.tailnetPort))),
    "bridge.status": async () => named(await parts.bridge.status()),

    "helper.shutdown": () => {
      setImmediate(parts.shutdown);
      return { ok: true as const };
    },
    "helper.shutdownIfIdle": async (params) => {
      if (handingOver) return { stopping: true, busy: null }; // two clients asked at once
      const connections = await bridgeConnections();
      // Checked after the await and decided in the same turn: no change can slip in between.
      const busy = [...underWay].filter(([, count]) => count > 0).map(([what]) => what);
      if (connections > 0) busy.push(`${connections} bridge connection${connections === 1 ? "" : "s"} open`);
      if (busy.length > 0) return { stopping: false, busy: busy.join(", ") };
      handingOver = true;
      logs.append("helper", `stopping to let build ${params?.forBuild ?? "(unnamed)"} take over from ${parts.build}`);
      setImmediate(parts.shutdown);
      return { stopping: true, busy: null };
    },
  };
}
