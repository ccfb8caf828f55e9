/** Headscale's REST API on loopback, authenticated with our API key; every answer validated. */
import type { z } from "zod";
import { Responses } from "./rest-schemas.js";

export class HeadscaleApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HeadscaleApiError";
  }
}

/** fetch says only "fetch failed"; the reason worth showing is in its cause. */
function whyUnanswered(error: unknown): string {
  const { message, cause } = error as Error & { cause?: NodeJS.ErrnoException };
  if (cause?.code === "ECONNREFUSED") return "connection refused: is it running?";
  if (cause?.code === "UND_ERR_SOCKET" || cause?.code === "ECONNRESET") return "it closed the connection: did it exit?";
  return cause?.message ?? message;
}

/** Where the client gets its key, and whom it tells when Headscale refuses one. */
export interface ApiKeySource {
  get(): Promise<string>;
  reject(key: string): void;
}

export class AdminClient {
  constructor(
    private readonly baseUrl: () => string,
    private readonly keys: ApiKeySource,
    private readonly timeoutMs = 10_000,
  ) {}

  private async request<S extends z.ZodType>(
    method: "GET" | "POST" | "DELETE",
    path: string,
    schema: S,
    body?: unknown,
    retried = false,
  ): Promise<z.output<S>> {
    const url = new URL(path, this.baseUrl());
    const key = await this.keys.get();
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new HeadscaleApiError(0, `Headscale did not answer ${method} ${url.pathname} (${whyUnanswered(error)})`);
    }
    const text = await response.text();
    if (response.status === 401 && !retried) {
      // Our stored key no longer works (a new database, expired by hand): make a new one once.
      this.keys.reject(key);
      return this.request(method, path, schema, body, true);
    }
    if (!response.ok) {
      let message = text.trim();
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // Not JSON: keep the text.
      }
      throw new HeadscaleApiError(
        response.status,
        `Headscale ${method} ${url.pathname}: ${response.status} ${message}`,
      );
    }
    const parsed = schema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new HeadscaleApiError(
        502,
        `unexpected answer from Headscale ${method} ${url.pathname}: ${parsed.error.message}`,
      );
    }
    return parsed.data;
  }

  async listNodes(user?: string) {
    const query = user ? `?user=${encodeURIComponent(user)}` : "";
    return (await this.request("GET", `/api/v1/node${query}`, Responses.nodes)).nodes;
  }
  async getNode(id: string) {
    return (await this.request("GET", `/api/v1/node/${id}`, Responses.node)).node;
  }
  async renameNode(id: string, name: string) {
    return (await this.request("POST", `/api/v1/node/${id}/rename/${encodeURIComponent(name)}`, Responses.node)).node;
  }
  async expireNode(id: string) {
    return (await this.request("POST", `/api/v1/node/${id}/expire`, Responses.node)).node;
  }
  async deleteNode(id: string) {
    await this.request("DELETE", `/api/v1/node/${id}`, Responses.empty);
  }

  async listUsers(name?: string) {
    const query = name ? `?name=${encodeURIComponent(name)}` : "";
    return (await this.request("GET", `/api/v1/user${query}`, Responses.users)).users;
  }
  async createUser(name: string) {
    return (await this.request("POST", "/api/v1/user", Responses.user, { name })).user;
  }

  async createApiKey(expiration: Date) {
    return (await this.request("POST", "/api/v1/apikey", Responses.apiKey, { expiration: expiration.toISOString() }))
      .apiKey;
  }
  async listApiKeys() {
    return (await this.request("GET", "/api/v1/apikey", Responses.apiKeys)).apiKeys;
  }
  async expireApiKey(prefix: string) {
    await this.request("POST", "/api/v1/apikey/expire", Responses.empty, { prefix });
  }

  async createPreAuthKey(options: { userId: string; expiration: Date; reusable: boolean; ephemeral: boolean }) {
    const body = {
      user: options.userId,
      reusable: options.reusable,
      ephemeral: options.ephemeral,
      expiration: options.expiration.toISOString(),
      aclTags: [],
    };
    return (await this.request("POST", "/api/v1/preauthkey", Responses.preAuthKey, body)).preAuthKey;
  }
  async listPreAuthKeys() {
    return (await this.request("GET", "/api/v1/preauthkey", Responses.preAuthKeys)).preAuthKeys;
  }
  async expirePreAuthKey(id: string) {
    await this.request("POST", "/api/v1/preauthkey/expire", Responses.empty, { id });
  }
}
