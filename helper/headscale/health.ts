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
