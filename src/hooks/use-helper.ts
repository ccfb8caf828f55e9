/** Helper data for views: cached by @raycast/utils, so reopening a command shows the last answer at once. */
import { useCachedPromise } from "@raycast/utils";
import type { MethodName, ParamsOf, ResultOf } from "../../helper/client/index.js";
import { call, isHelperDown } from "../lib/raycast-client.js";

export function useHelper<M extends MethodName>(method: M, params?: ParamsOf<M>, options: { execute?: boolean } = {}) {
  const result = useCachedPromise((m: M, p?: ParamsOf<M>) => call(m, p) as Promise<ResultOf<M>>, [method, params], {
    execute: options.execute ?? true,
    keepPreviousData: true,
    // Errors are shown by the views (an empty state when the helper is down), not as toasts.
    onError: () => {},
  });
  return { ...result, helperDown: isHelperDown(result.error) };
}
