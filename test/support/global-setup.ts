/** With HSR_TEST_DATABASE=postgres, one PostgreSQL server for the whole run; workers read it from the environment. */
import { startPostgres } from "./postgres.js";

export default async function setup(): Promise<(() => Promise<void>) | void> {
  if (process.env.HSR_TEST_DATABASE !== "postgres") return;
  const { server, stop } = await startPostgres();
  process.env.HSR_TEST_PG = JSON.stringify(server);
  console.log(`PostgreSQL for the integration suite on ${server.host}:${server.port}`);
  return stop;
}
