/** Helper data for views: cached by @raycast/utils, so reopening a command shows the last answer at once. */
import { useCachedPromise } from "@raycast/utils";
import type { MethodName, ParamsOf, ResultOf } from "../../helper/client/index.js";
import { call, isHelperDown } from "../lib/raycast-client.js";
import { sortNodes } from "../lib/view-model.js";

const QUIET = {
  keepPreviousData: true,
  // Errors are shown by the views (an empty state when the helper is down), not as toasts.
  onError: () => {},
};

export function useHelper<M extends MethodName>(method: M, params?: ParamsOf<M>, options: { execute?: boolean } = {}) {
  const result = useCachedPromise((m: M, p?: ParamsOf<M>) => call(m, p) as Promise<ResultOf<M>>, [method, params], {
    ...QUIET,
    execute: options.execute ?? true,
  });
  return { ...result, helperDown: isHelperDown(result.error) };
}

/** The first `count` nodes, online first: only those are kept (Raycast's cache holds what is shown, no more). */
async function firstNodes(count: number) {
  return sortNodes(await call("nodes.list")).slice(0, count);
}

export function useFirstNodes(count: number, options: { execute: boolean }) {
  return useCachedPromise(firstNodes, [count], { ...QUIET, execute: options.execute });
}
