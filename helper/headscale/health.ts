/**
 * Asks Headscale's /health over node:http(s), not fetch: fetch refuses ports browsers block
 * (10080, 22, …), on which Headscale serves fine.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export type Health = "pass" | "fail" | "none";

export interface HealthTarget {
  url: string;
  /**
   * The TLS server name to ask for (the certificate's host name, so an ACME certificate is
   * fetched on the first ask). The certificate is not checked: this is our own child on
   * loopback, asked only whether it answers.
   */
  servername?: string;
}

/** "pass" or "fail" as Headscale's /health answers (fail: its database is unreachable); "none" for no answer. */
export function askHealth(target: HealthTarget, signal: AbortSignal): Promise<Health> {
  return new Promise((resolve) => {
    const url = new URL(target.url);
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = request(
      url,
      { signal, agent: false, servername: target.servername, rejectUnauthorized: false },
      (response) => {
        response.resume();
        resolve(response.statusCode === 200 ? "pass" : "fail");
      },
    );
    req.on("error", () => resolve("none"));
    req.end();
  });
}

/**
 * Resolves once /health passes; throws when `gone` says why Headscale went (its exit, or
 * "stopped") before that, or after `timeoutMs`. `exited` ends a pending ask at once: something
 * else may hold the port and never answer.
 */
export async function waitReady(
  target: HealthTarget,
  timeoutMs: number,
  gone: () => string | undefined,
  exited: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const why = gone();
    if (why) throw new Error(`Headscale exited (${why}) before it was ready`);
    if ((await askHealth(target, AbortSignal.any([AbortSignal.timeout(1000), exited]))) === "pass") return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`Headscale did not answer ${target.url} within ${timeoutMs / 1000} s`);
}
