/**
 * A throwaway PostgreSQL server on loopback for the integration suite's second pass
 * (HSR_TEST_DATABASE=postgres). Debian's server, run as the `postgres` user from a temp dir,
 * with password authentication so the helper's password-file path is exercised too.
 */
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { freeTcpPort } from "../../helper/os/ports.js";

export interface TestPostgres {
  host: string;
  port: number;
  user: string;
  passwordFile: string;
}

/** Debian's server programs, of whichever version is installed (the newest, if several). */
function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = (existsSync(root) ? readdirSync(root) : [])
    .filter((version) => existsSync(join(root, version, "bin", "initdb")))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  if (versions.length === 0) throw new Error(`no PostgreSQL server under ${root}: apt-get install postgresql`);
  return join(root, versions[0]!, "bin");
}

const PG_BIN = process.env.PG_BIN ?? postgresBin();
export const PG_USER = "headscale";

export interface RunningPostgres {
  server: TestPostgres;
  /** Stops the server and keeps its data, for an outage; `resume` starts it again on the same port. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<RunningPostgres> {
  const dir = await mkdtemp(join(tmpdir(), "hr-pg-"));
  const { stdout: uid } = await execa("id", ["-u", "postgres"]);
  await chown(dir, Number(uid), Number(uid));
  const passwordFile = join(dir, "password");
  await writeFile(passwordFile, `pw-${process.pid}-${Date.now()}\n`, { mode: 0o644 });
  const port = await freeTcpPort();
  const data = join(dir, "data");
  const as = (cmd: string, args: string[]) => execa("runuser", ["-u", "postgres", "--", join(PG_BIN, cmd), ...args]);
  await as("initdb", ["-D", data, "-U", PG_USER, "--auth=scram-sha-256", `--pwfile=${passwordFile}`]);
  const start = async () => {
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`;
    await as("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "start"]);
  };
  const pause = async () => void (await as("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]));
  await start();
  return {
    server: { host: "127.0.0.1", port, user: PG_USER, passwordFile },
    pause,
    resume: start,
    async stop() {
      await pause().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh, empty database on the test server for one helper home. */
export async function createDatabase(server: TestPostgres, name: string): Promise<void> {
  const { readFile } = await import("node:fs/promises");
  const password = (await readFile(server.passwordFile, "utf8")).trim();
  await execa(
    "psql",
    [
      "-h",
      server.host,
      "-p",
      String(server.port),
      "-U",
      server.user,
      "-d",
      "postgres",
      "-c",
      `CREATE DATABASE "${name}"`,
    ],
    {
      env: { PGPASSWORD: password },
    },
  );
}
