/**
 * PostgreSQL going away under a running Headscale, and coming back: a database outage is not
 * a hang, so the supervisor reports it and leaves Headscale running (a new one could not
 * start without the database either), and Headscale serves again once the database is back.
 */
import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { defaultSettings } from "../../helper/config/settings-store.js";
import { createDatabase, startPostgres } from "../support/postgres.js";
import { useHelpers } from "../support/fixtures.js";
import { waitUntil } from "../../testkit/wait.js";

const LIVENESS = { livenessIntervalMs: 100, livenessTimeoutMs: 500, livenessMisses: 3 };

describe("a PostgreSQL outage", () => {
  const { home: newHome, later, supervisorFor } = useHelpers();

  it("is reported, does not get Headscale killed, and ends when the database is back", async () => {
    const postgres = await startPostgres();
    later(() => postgres.stop());
    await createDatabase(postgres.server, "outage");
    const home = await newHome();
    const settings = await defaultSettings();
    settings.database = { type: "postgres", ...postgres.server, name: "outage", sslMode: "disable" };
    await writeFile(`${home}/settings.json`, JSON.stringify(settings), { mode: 0o600 });
    const { supervisor, log } = await supervisorFor(LIVENESS, home);
    await supervisor.start();
    const pid = supervisor.pid;

    await postgres.pause();
    const unreachable = "Headscale is up but its /health check fails: its database is unreachable";
    await waitUntil(() => log.includes(unreachable), { what: `the log to say "${unreachable}"`, timeoutMs: 60_000 });
    expect(supervisor.lastError).toBe(unreachable);
    // Many liveness periods later it is still the same, running Headscale.
    const checksBefore = log.length;
    // Not a wait for a condition: time passing is the test (what must not happen is a restart).
    await new Promise((resolve) => setTimeout(resolve, LIVENESS.livenessIntervalMs * LIVENESS.livenessMisses * 5));
    expect({ state: supervisor.state, pid: supervisor.pid }).toEqual({ state: "running", pid });
    expect(log.slice(checksBefore).filter((line) => /ending it|restarting/.test(line))).toEqual([]);

    await postgres.resume();
    await waitUntil(() => log.includes("Headscale's /health check passes again"), {
      what: "the log to say Headscale's /health check passes again",
      timeoutMs: 60_000,
    });
    expect({ state: supervisor.state, pid: supervisor.pid, lastError: supervisor.lastError }).toEqual({
      state: "running",
      pid,
      lastError: null,
    });
  });
});
