import { execa } from "execa";

/**
 * The SQL that adds `count` nodes, named fake-<firstIndex>…, to Headscale's SQLite database, each
 * a copy of the node named `template` (one Headscale registered itself) with its own machine,
 * node and disco keys, addresses and name. Addresses come from 100.80.0.0/16 and
 * fd7a:115c:a1e0::1:0/112, inside Headscale's default prefixes and away from where its
 * sequential allocator starts.
 */
export function seedNodesSql(template: string, firstIndex: number, count: number): string {
  // fake-i gets the (i + 1)th address of each range: the IPv6 one has 16 bits.
  if (!Number.isSafeInteger(firstIndex) || !Number.isSafeInteger(count) || firstIndex < 0 || count < 0) {
    throw new Error(`seedNodesSql: bad range ${firstIndex} + ${count}`);
  }
  if (firstIndex + count > 0xffff) throw new Error(`seedNodesSql: at most ${0xffff} nodes, not ${firstIndex + count}`);
  if (!/^[a-z0-9-]+$/.test(template)) throw new Error(`seedNodesSql: bad template name ${template}`);
  if (count === 0) return "";
  const last = firstIndex + count - 1;
  const columns =
    "machine_key, node_key, disco_key, endpoints, host_info, ipv4, ipv6, hostname, given_name, user_id, " +
    "register_method, tags, auth_key_id, expiry, last_seen, approved_routes, created_at, updated_at, deleted_at";
  return `BEGIN;
WITH RECURSIVE seq(i) AS (SELECT ${firstIndex} UNION ALL SELECT i + 1 FROM seq WHERE i < ${last})
INSERT INTO nodes (${columns})
SELECT 'mkey:' || lower(hex(randomblob(32))), 'nodekey:' || lower(hex(randomblob(32))),
  'discokey:' || lower(hex(randomblob(32))), t.endpoints,
  json_set(t.host_info, '$.Hostname', 'fake-' || i),
  printf('100.%d.%d.%d', 80 + (i + 1) / 65536, ((i + 1) / 256) % 256, (i + 1) % 256),
  printf('fd7a:115c:a1e0::1:%x', i + 1),
  'fake-' || i, 'fake-' || i, t.user_id, t.register_method, t.tags, t.auth_key_id, t.expiry, t.last_seen,
  t.approved_routes, t.created_at, t.updated_at, NULL
FROM seq, (SELECT * FROM nodes WHERE hostname = '${template}' AND deleted_at IS NULL LIMIT 1) AS t;
SELECT changes();
COMMIT;
`;
}

/**
 * Seeds a stopped Headscale's SQLite database with fake nodes (see seedNodesSql) in one
 * transaction. Registering them through Headscale instead slows with every node (each one
 * rebuilds its view of the tailnet), past a minute each beyond about 3,500 nodes on two cores;
 * the bench needs 5,000. Throws unless exactly `count` were added (no template, a locked file).
 */
export async function seedNodes(database: string, template: string, firstIndex: number, count: number): Promise<void> {
  if (count === 0) return;
  const { stdout } = await execa("sqlite3", ["-bail", database], {
    input: seedNodesSql(template, firstIndex, count),
  }).catch((error: { code?: string }) => {
    if (error.code === "ENOENT")
      throw new Error("seeding fake nodes needs the sqlite3 command (Debian: apt-get install sqlite3)");
    throw error;
  });
  if (Number(stdout.trim()) !== count) {
    throw new Error(
      `seeding ${database} added ${stdout.trim() || "no"} nodes, not ${count} (is there a node ${template}?)`,
    );
  }
}
