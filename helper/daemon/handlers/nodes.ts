/** RPC handlers for nodes: params in, NodeService, result out. */
import type { HeadscaleNode } from "../../headscale/admin-client.js";
import { toNode } from "../../headscale/admin-schemas.js";
import { leanNode } from "../lean-node.js";
import type { Node } from "../../protocol/types.js";
import { answeredOnce, type Handlers } from "../rpc-server.js";
import type { HandlerDeps } from "./deps.js";

export type NodeMethods =
  "nodes.list" | "nodes.rename" | "nodes.expire" | "nodes.delete" | "nodes.register" | "nodes.routes" | "nodes.tag";

export function nodeHandlers({ nodes, viaHeadscale }: HandlerDeps): Pick<Handlers, NodeMethods> {
  // A listing Headscale sends unchanged goes out as the bytes made for it last time; one that
  // changed is made from each node's JSON, made again only for the nodes read again.
  const nodeJson = new WeakMap<HeadscaleNode, string>();
  const jsonOf = (node: HeadscaleNode) => {
    let json = nodeJson.get(node);
    if (json === undefined) nodeJson.set(node, (json = JSON.stringify(leanNode(toNode(node)))));
    return json;
  };
  const listed = answeredOnce<readonly HeadscaleNode[], Node[]>((list) => `[${list.map(jsonOf).join(",")}]`);
  return {
    "nodes.list": viaHeadscale(async (params) => listed(await nodes.list(params?.user))),
    "nodes.rename": viaHeadscale(({ id, name }) => nodes.rename(id, name)),
    "nodes.expire": viaHeadscale(({ id }) => nodes.expire(id)),
    "nodes.delete": viaHeadscale(async ({ id }) => {
      await nodes.delete(id);
      return { ok: true as const };
    }),
    "nodes.register": viaHeadscale(({ key, user }) => nodes.register(key, user)),
    "nodes.routes": viaHeadscale(({ id, approve, unapprove }) => nodes.routes(id, approve, unapprove)),
    "nodes.tag": viaHeadscale(({ id, tags }) => nodes.tag(id, tags)),
  };
}
