/** Wrappers the handler tables put around a call: what it needs, and what it must not be cut short by. */
import type { HeadscaleSupervisor } from "../../headscale/supervisor.js";
import { NotRunningError } from "../errors.js";
import type { WorkUnderWay } from "../work-under-way.js";

export type Guard = <P, R>(handler: (params: P) => Promise<R>) => (params: P) => Promise<R>;
export type ChangeGuard = <P, R>(what: string, handler: (params: P) => Promise<R>) => (params: P) => Promise<R>;

/**
 * For calls that need Headscale. They wait out a start under way (the helper's auto-start,
 * a restart, a crash restart): the first command after launching a helper is one. Then, if
 * it is not running, they fail with the reason instead of a connection error.
 */
export function viaHeadscale(
  supervisor: Pick<HeadscaleSupervisor, "state" | "settled" | "lastError" | "restartPending">,
): Guard {
  const notRunning = () => new NotRunningError(supervisor.state, supervisor.lastError, supervisor.restartPending);
  return (handler) => async (params) => {
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
}

/** For changes whose caller awaits the answer: counted while under way, refused once handing over. */
export function underWay(work: WorkUnderWay): ChangeGuard {
  return (what, handler) => (params) => work.track(what, () => handler(params));
}
