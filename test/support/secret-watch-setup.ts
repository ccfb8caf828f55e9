/**
 * Runs in every test worker: each error a helper client receives is checked for keys, and
 * a test fails if it (or a home removed after it) leaked one.
 */
import { afterAll, afterEach } from "vitest";
import { HelperClient } from "../../helper/client/helper-client.js";
import { keysInMessage, leaks } from "./secret-watch.js";

const call = HelperClient.prototype.call;
HelperClient.prototype.call = async function (this: HelperClient, ...args: Parameters<typeof call>) {
  try {
    return await call.apply(this, args);
  } catch (error) {
    leaks.push(...keysInMessage(`error of ${args[0]}`, String((error as Error)?.message)));
    throw error;
  }
} as typeof call;

function failOnLeaks(): void {
  if (leaks.length) throw new Error(`a key leaked:\n${leaks.splice(0).join("\n")}`);
}

afterEach(failOnLeaks);
afterAll(failOnLeaks);
