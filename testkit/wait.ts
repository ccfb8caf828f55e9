/** The one way the tests, the test kit and the bench wait for something: poll it, and say what never happened. */

export interface WaitOptions {
  /**
   * What is waited for, as the timeout error names it ("Headscale running again"). A function
   * is called only on timeout, so it can add what was last seen ("…; still Starting").
   */
  what: string | (() => string);
  /**
   * How long to wait. For real processes (Headscale, a helper, PostgreSQL) be generous:
   * a slow or busy machine must not fail a test that would pass given the time.
   */
  timeoutMs?: number;
  /** How long between two looks. */
  intervalMs?: number;
}

/** Anything but false, null, undefined, 0 or "". */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | "">;

/**
 * Calls `condition` until it returns something truthy, and returns that. A condition that
 * throws fails the wait at once: throw to say "this will never happen now".
 */
export async function waitUntil<T>(
  condition: () => T | Promise<T>,
  { what, timeoutMs = 60_000, intervalMs = 50 }: WaitOptions,
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as Truthy<T>;
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${typeof what === "string" ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
