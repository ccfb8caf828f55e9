/**
 * One tailnet node in this process, over the native library: it joins the tailnet of a
 * control server and forwards tailnet ports to local ones. Nothing here blocks the event
 * loop: starting, waiting for the tailnet and closing all run on Go's threads.
 */
import { EventEmitter } from "node:events";
import { z } from "zod";
import { BridgeMapping, TailnetStatus } from "../protocol/types.js";
import type { TailnetAddon } from "./addon.js";

export interface TailnetNodeOptions {
  /** The node's state folder: its keys live here, so a restart rejoins with the same IPs. */
  dir: string;
  hostname: string;
  controlUrl: string;
  /** Used only when the node has to log in (no state yet, or the state was refused). */
  authKey?: string;
  /** Also pass tsnet's backend log lines, not only the ones meant for users. */
  verbose?: boolean;
}

/** Go's view of the node (hsr_node_status): the protocol's fields, less what Go has not seen yet. */
export const NativeStatus = TailnetStatus.pick({
  hostname: true,
  ipv4: true,
  ipv6: true,
  relay: true,
  relayProblem: true,
})
  .partial()
  .extend({
    state: z.string(),
    forwards: z.array(BridgeMapping.partial({ lastError: true, lastClient: true })).optional(),
  });
export type NativeStatus = z.infer<typeof NativeStatus>;

const NodeEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("log"), text: z.string() }),
  z.object({ type: z.literal("started") }),
  z.object({ type: z.literal("state"), state: z.string(), ipv4: z.string(), ipv6: z.string() }),
  z.object({ type: z.literal("refused"), message: z.string() }),
  z.object({ type: z.literal("startFailed"), message: z.string() }),
  z.object({ type: z.literal("closed") }),
]);
type NodeEvent = z.infer<typeof NodeEvent>;

/** Every node of the process, by handle: the addon has one event callback for all. */
const nodes = new Map<number, TailnetNode>();
let dispatching: TailnetAddon | undefined;

function dispatchFrom(addon: TailnetAddon): void {
  if (dispatching === addon) return;
  dispatching = addon;
  addon.setEventHandler((handle, json) => {
    const event = NodeEvent.safeParse(JSON.parse(json));
    if (event.success) nodes.get(handle)?.receive(event.data);
  });
}

/** How long close() waits for Go to finish shutting tsnet down before it stops waiting. */
const CLOSE_WAIT_MS = 10_000;

export interface TailnetNodeEvents {
  log: [text: string];
  /** The node runs locally: forwards can be added. */
  started: [];
  state: [state: string];
  /** The control server's error for this node: most often, its key was refused. */
  refused: [message: string];
  /** The node could not start here (its state folder, say). */
  startFailed: [message: string];
}

export class TailnetNode extends EventEmitter<TailnetNodeEvents> {
  private readonly handle: number;
  private state = "NoState";
  private started = false;
  private closed?: Promise<boolean>;
  private resolveClosed?: (confirmed: boolean) => void;

  constructor(
    private readonly addon: TailnetAddon,
    readonly options: TailnetNodeOptions,
  ) {
    super();
    dispatchFrom(addon);
    this.handle = addon.nodeNew(
      JSON.stringify({
        dir: options.dir,
        hostname: options.hostname,
        controlUrl: options.controlUrl,
        authKey: options.authKey ?? "",
        ephemeral: false,
        verbose: options.verbose ?? false,
      }),
    );
    nodes.set(this.handle, this);
  }

  /** Starts joining; progress arrives as events. Returns at once. */
  up(): void {
    this.addon.nodeUp(this.handle);
  }

  get isStarted(): boolean {
    return this.started;
  }

  get backendState(): string {
    return this.state;
  }

  addForward(tailnetPort: number, localPort: number): void {
    this.addon.forwardAdd(this.handle, tailnetPort, localPort);
  }

  removeForward(tailnetPort: number): void {
    this.addon.forwardRemove(this.handle, tailnetPort);
  }

  status(): NativeStatus {
    return NativeStatus.parse(JSON.parse(this.addon.nodeStatus(this.handle)));
  }

  /**
   * Closes the node at any time, a pending up included: forwards and their connections end,
   * then tsnet shuts down. Settles with true when Go says it is done, or with false when it
   * has not said so after CLOSE_WAIT_MS (the helper goes on; Go finishes in the background).
   */
  close(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    this.closed ??= new Promise<boolean>((resolve) => {
      this.resolveClosed = resolve;
      // Not unref'd: a helper shutting down must wait for its node, not exit halfway.
      timer = setTimeout(() => resolve(false), CLOSE_WAIT_MS);
      this.addon.nodeClose(this.handle);
    }).finally(() => {
      clearTimeout(timer);
      nodes.delete(this.handle);
      this.removeAllListeners();
    });
    return this.closed;
  }

  /** @internal from the dispatcher */
  receive(event: NodeEvent): void {
    switch (event.type) {
      case "log":
        this.emit("log", event.text);
        break;
      case "started":
        this.started = true;
        this.emit("started");
        break;
      case "state":
        this.state = event.state;
        this.emit("state", event.state);
        break;
      case "refused":
        this.emit("refused", event.message);
        break;
      case "startFailed":
        this.emit("startFailed", event.message);
        break;
      case "closed":
        this.resolveClosed?.(true);
        break;
    }
  }
}
