/**
 * The tailnet admin commands as a person types them: users, keys with options, tags, the ACL
 * policy (files, standard input, an editor), and the --yes that destructive commands need.
 */
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliPath, createFakeNodes, removeHome, runCli, startTestHelper, type TestHelper } from "../support/fixtures.js";
import { KEPT_VERSIONS } from "../../helper/policy/policy-history.js";

let t: TestHelper;
let scratch: string;
beforeAll(async () => {
  t = await startTestHelper();
  scratch = await mkdtemp(join(tmpdir(), "hr-cli-admin-"));
});
afterAll(async () => {
  await t.close();
  await removeHome(t.home);
  await rm(scratch, { recursive: true, force: true });
});

const cli = (args: string[], env?: Record<string, string>) => runCli(t.home, args, env);
const json = async (args: string[]) => {
  const result = await cli(["--json", ...args]);
  if (result.exitCode !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
};
const file = async (name: string, text: string) => {
  const path = join(scratch, name);
  await writeFile(path, text);
  return path;
};

const POLICY = (owner: string) => `// who may tag what
{
  "tagOwners": { "tag:server": ["${owner}@"] },
  "acls": [
    { "action": "accept", "src": ["*"], "dst": ["*:*"] }, // trailing commas are HuJSON
  ],
}
`;

describe("users", () => {
  it("renames, and refuses to delete without --yes, then deletes", async () => {
    await json(["users", "create", "carol"]);
    expect((await json(["users", "rename", "carol", "caroline"])).name).toBe("caroline");
    const names = (await json(["users"])).map((u: { name: string }) => u.name);
    expect(names).toContain("caroline");
    expect(names).not.toContain("carol");
    const unconfirmed = await cli(["users", "delete", "caroline"]);
    expect(unconfirmed.exitCode).toBe(2);
    expect(unconfirmed.stderr.trim()).toBe(
      "headscale-remote: deleting user caroline cannot be undone: add --yes to do it",
    );
    expect((await json(["users"])).map((u: { name: string }) => u.name)).toContain("caroline");
    expect(await json(["users", "delete", "caroline", "--yes"])).toEqual({ ok: true, deletedNodes: 0 });
    const gone = await cli(["users", "delete", "caroline", "--yes"]);
    expect([gone.exitCode, gone.stderr.trim()]).toEqual([3, "headscale-remote: no user named caroline"]);
  });

  it("deletes a user who owns nodes only with --force, and the nodes with it", async () => {
    await json(["users", "create", "dave"]);
    await createFakeNodes(t.helper.paths.headscaleSocket, "dave", 2);
    const refused = await cli(["users", "delete", "dave", "--yes"]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/dave still owns 2 nodes: delete them first, or use --force to delete them too$/m);
    expect(await json(["nodes", "--user", "dave"])).toHaveLength(2);
    expect(await json(["users", "delete", "dave", "--force"])).toEqual({ ok: true, deletedNodes: 2 });
    expect((await json(["nodes"])).filter((n: { user: string }) => n.user === "dave")).toEqual([]);
  });

  it("refuses a new name that is taken or not a name", async () => {
    await json(["users", "create", "erin"]);
    await json(["users", "create", "frank"]);
    const taken = await cli(["users", "rename", "erin", "frank"]);
    expect([taken.exitCode, taken.stderr.trim()]).toEqual([2, "headscale-remote: a user named frank already exists"]);
    const bad = await cli(["users", "rename", "erin", "9x"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/newName: .*a letter first/);
  });
});

describe("pre-auth keys with options", () => {
  it("creates a reusable, ephemeral key for a user, lists it with its options, and expires it with --yes", async () => {
    await json(["users", "create", "gina"]);
    const created = await json(["keys", "create", "--user", "gina", "--reusable", "--ephemeral", "--expiration", "2h"]);
    expect(created).toMatchObject({ user: "gina", reusable: true, ephemeral: true, tags: [] });
    expect(created.preAuthKey).toMatch(/^hskey-auth-/);
    const hours = (Date.parse(created.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(1.9);
    expect(hours).toBeLessThanOrEqual(2);
    const listed = (await json(["keys", "list"])).find((k: { id: string }) => k.id === created.id);
    expect(listed).toMatchObject({ user: "gina", reusable: true, ephemeral: true, used: false });
    expect(JSON.stringify(listed)).not.toContain(created.preAuthKey); // a listing never holds the secret
    expect((await cli(["keys", "expire", created.id])).exitCode).toBe(2);
    expect((await cli(["keys", "expire", created.id, "--yes"])).exitCode).toBe(0);
    const expired = (await json(["keys", "list"])).find((k: { id: string }) => k.id === created.id);
    expect(Date.parse(expired.expiration)).toBeLessThanOrEqual(Date.now());
    // Again: it stays expired when it was, not a moment later.
    expect((await cli(["keys", "expire", created.id, "--yes"])).exitCode).toBe(0);
    const again = (await json(["keys", "list"])).find((k: { id: string }) => k.id === created.id);
    expect(again.expiration).toBe(expired.expiration);
  });

  it("refuses bad tags, a missing user and a bad expiration, in one line each", async () => {
    const cases: [string[], number, RegExp][] = [
      [["keys", "create", "--tags", "server"], 2, /tags\.0: a tag is "tag:" and a name/],
      [["keys", "create", "--user", "nobody"], 3, /^headscale-remote: no user named nobody$/],
      [["keys", "create", "--expiration", "soon"], 2, /expiration: a duration such as/],
      [["keys", "create", "--tags", "tag:Server"], 2, /tags are lowercase/],
    ];
    for (const [args, code, stderr] of cases) {
      const result = await cli(args);
      expect(result.exitCode, args.join(" ")).toBe(code);
      expect(result.stderr.trim(), args.join(" ")).toMatch(stderr);
    }
  });
});

describe("the ACL policy", () => {
  it("says when there is none, checks without applying, and applies from a file", async () => {
    expect((await cli(["policy"])).stdout.trim()).toBe("No policy is set: every device may reach every other.");
    const path = await file("good.hujson", POLICY("gina"));
    expect((await cli(["policy", "check", path])).stdout.trim()).toBe("Headscale accepts this policy.");
    expect((await json(["policy", "get"])).policy).toBe(""); // checking changed nothing
    const applied = await json(["policy", "set", path]);
    expect(applied.version).toBe(1);
    expect((await cli(["policy"])).stdout).toBe(POLICY("gina"));
  });

  it("refuses bad HuJSON with Headscale's line and column, and changes nothing", async () => {
    const broken = POLICY("gina").replace('["*"], "dst"', '["*"] "dst"'); // a missing comma on line 5
    const result = await cli(["policy", "set", await file("broken.hujson", broken)]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^headscale-remote: Headscale rejects this policy: .*line 5, column \d+/);
    expect((await cli(["policy"])).stdout).toBe(POLICY("gina"));
    expect((await json(["policy", "history"])).map((v: { version: number }) => v.version)).toEqual([1]);
  });

  it("refuses a file that cannot be a policy before sending it: missing, a folder, too big", async () => {
    const big = await file("big.json", `{"acls":[]}${" ".repeat(1_100_000)}`);
    const cases: [string, RegExp][] = [
      [join(scratch, "missing.json"), /cannot read .*missing\.json: no such file$/],
      [scratch, /cannot read .*: it is a folder$/],
      [big, /holds 1100011 bytes: a policy is at most 512 KiB$/],
    ];
    for (const [path, stderr] of cases) {
      const result = await cli(["policy", "set", path]);
      expect(result.exitCode, path).toBe(2);
      expect(result.stderr.trim(), path).toMatch(stderr);
    }
  });

  it("answers a request too big to read with the helper's refusal, not a wait for the timeout", async () => {
    const refused = await t.client
      .call("policy.check", { policy: "x".repeat(2 * 1024 * 1024) }, { timeoutMs: 120_000 })
      .catch((error: Error) => error);
    expect((refused as Error).message).toMatch(/^the helper refused the request: frame larger than 1 MiB/);
    expect(await t.client.call("policy.get")).toBeDefined(); // the connection still serves
  });

  it("refuses a policy Headscale rejects (not a HuJSON slip), with its reason", async () => {
    const result = await cli(["policy", "check", await file("bad.json", '{"acls":[{"action":"deny"}]}')]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^headscale-remote: Headscale rejects this policy: .*action/i);
  });

  it("reads a policy from standard input", async () => {
    const text = POLICY("erin");
    const run = await execa(process.execPath, [await cliPath(), "--home", t.home, "policy", "set", "-"], {
      input: text,
      reject: false,
    });
    expect([run.exitCode, run.stdout.trim()]).toEqual([0, "Applied policy version 2."]);
    expect((await json(["policy", "get"])).policy).toBe(text);
  });

  it("rolls back to the previous version, or a given one", async () => {
    expect((await json(["policy", "rollback"])).policy).toBe(POLICY("gina"));
    const history = await cli(["policy", "history"]);
    expect(history.stdout).toMatch(/^3\s+\S+\s+\d+\s+current$/m);
    expect((await json(["policy", "rollback", "2"])).policy).toBe(POLICY("erin"));
    const missing = await cli(["policy", "rollback", "99"]);
    expect([missing.exitCode, missing.stderr.trim()]).toEqual([
      3,
      "headscale-remote: no policy version 99 (see policy history)",
    ]);
  });

  it("numbers policies applied at the same moment one by one, each kept", async () => {
    const policies = [1, 2, 3, 4, 5].map((i) => `{"acls":[{"action":"accept","src":["*"],"dst":["*:${2000 + i}"]}]}`);
    const applied = await Promise.all(policies.map((policy) => t.client.call("policy.set", { policy })));
    const versions = applied.map((p) => p.version!);
    expect(new Set(versions).size).toBe(policies.length);
    for (const [i, version] of versions.entries()) {
      expect(
        await readFile(join(t.helper.paths.policyHistory, `${String(version).padStart(6, "0")}.hujson`), "utf8"),
      ).toBe(policies[i]);
    }
  });

  it(`keeps only the last ${KEPT_VERSIONS} versions`, async () => {
    for (let i = 0; i < KEPT_VERSIONS + 2; i++) {
      const policy = `{"acls":[{"action":"accept","src":["*"],"dst":["*:${1000 + i}"]}]}`;
      await t.client.call("policy.set", { policy }); // through the socket: the CLI's path is tested above
    }
    const versions = (await json(["policy", "history"])).map((v: { version: number }) => v.version);
    expect(versions).toHaveLength(KEPT_VERSIONS);
    expect(versions.at(-1)! - versions[0]!).toBe(KEPT_VERSIONS - 1);
    expect(await readdir(t.helper.paths.policyHistory)).toHaveLength(KEPT_VERSIONS);
  });

  it("edits in $EDITOR, applies on exit, and keeps a rejected edit for the next try", async () => {
    // An editor is any program that changes the file it is given and exits.
    const editor = join(scratch, "editor.sh");
    await writeFile(editor, '#!/bin/sh\ncat "$EDIT_WITH" > "$1"\n');
    await chmod(editor, 0o755);
    const good = await file("edit-good.json", POLICY("frank"));
    const ok = await cli(["policy", "edit"], { EDITOR: editor, EDIT_WITH: good });
    expect([ok.exitCode, ok.stderr]).toEqual([0, ""]);
    expect((await json(["policy", "get"])).policy).toBe(POLICY("frank"));

    const bad = await file("edit-bad.json", "{ not json");
    const refused = await cli(["policy", "edit"], { EDITOR: editor, EDIT_WITH: bad });
    expect(refused.exitCode).toBe(2);
    const kept = /your edit is kept in (\S+)$/.exec(refused.stderr.trim())?.[1];
    expect(kept).toBeDefined();
    expect(await execa("cat", [kept!]).then((r) => r.stdout)).toBe("{ not json");
    expect((await json(["policy", "get"])).policy).toBe(POLICY("frank"));
    await rm(join(kept!, ".."), { recursive: true, force: true });

    const none = await cli(["policy", "edit"], { EDITOR: "", VISUAL: "" });
    expect(none.exitCode).toBe(2); // a usage mistake, as the README's table says
    expect(none.stderr).toMatch(/set \$EDITOR/);

    // An editor that quits without a change: nothing to keep, no temp folder left (#25).
    const drafts = async () => (await readdir(tmpdir())).filter((name) => name.startsWith("headscale-policy-")).sort();
    const before = await drafts();
    const quit = await cli(["policy", "edit"], { EDITOR: "false", VISUAL: "" });
    expect(quit.exitCode).toBe(1);
    expect(quit.stderr).toMatch(/false exited with 1; nothing was changed$/m);
    expect(await drafts()).toEqual(before);
  });
});

describe("nodes", () => {
  it("refuses a name another node has, as bad input naming it (#25)", async () => {
    await json(["users", "create", "ivan"]);
    await createFakeNodes(t.helper.paths.headscaleSocket, "ivan", 2);
    const [first, second] = await json(["nodes", "--user", "ivan"]);
    const taken = await cli(["nodes", "rename", second.id, first.givenName]);
    expect(taken.exitCode).toBe(2);
    expect(taken.stderr.trim()).toBe(
      `headscale-remote: name: ${first.givenName} is taken by node ${first.id}; choose another`,
    );
    expect((await json(["nodes", "--user", "ivan"]))[1].givenName).toBe(second.givenName);
  });

  it("tags a node the policy owns a tag for, and refuses one it does not, with the reason", async () => {
    await createFakeNodes(t.helper.paths.headscaleSocket, "frank", 1, 1, 100);
    const node = (await json(["nodes", "--user", "frank"]))[0];
    const refused = await cli(["nodes", "tag", node.id, "tag:unknown"]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim()).toMatch(/tag:unknown.*not permitted: the policy's tagOwners must name each tag/);
    const tagged = await json(["nodes", "tag", node.id, "tag:server"]);
    expect(tagged.tags).toEqual(["tag:server"]);
    const table = await cli(["nodes"]);
    expect(table.stdout.split("\n")[0]).toMatch(/TAGS$/);
  });

  it("refuses to register from text that holds no registration key, and one nobody waits with", async () => {
    const garbage = await cli(["nodes", "register", "https://example.test/not-a-registration"]);
    expect(garbage.exitCode).toBe(2);
    expect(garbage.stderr).toMatch(/no registration key there/);
    const stale = await cli(["nodes", "register", "hskey-authreq-BBBBBBBBBBBBBBBBBBBBBBBB"]);
    expect(stale.exitCode).toBe(3);
    expect(stale.stderr).toMatch(/no device is waiting with that key/);
  });

  it("lists routes, and refuses a route that is not one before asking Headscale", async () => {
    expect((await cli(["nodes", "routes"])).stdout).toMatch(/^No node offers routes/);
    const bad = await cli(["nodes", "approve", "1", "192.0.2.0/33"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/approve\.0: a route in CIDR form/);
    const hostBits = await cli(["nodes", "approve", "1", "192.0.2.5/24"]);
    expect(hostBits.exitCode).toBe(2);
    expect(hostBits.stderr).toMatch(/192\.0\.2\.5\/24 has bits set past \/24: the route is 192\.0\.2\.0\/24$/m);
    const missing = await cli(["nodes", "routes", "424242"]);
    expect([missing.exitCode, missing.stderr.trim()]).toEqual([3, "headscale-remote: no node with id 424242"]);
  });

  it("needs --yes to delete or expire a node", async () => {
    await createFakeNodes(t.helper.paths.headscaleSocket, "gina", 1, 1, 200);
    const node = (await json(["nodes", "--user", "gina"]))[0];
    for (const verb of ["delete", "expire"]) {
      const result = await cli(["nodes", verb, node.id]);
      expect(result.exitCode, verb).toBe(2);
      expect(result.stderr, verb).toMatch(/cannot be undone: add --yes/);
    }
    expect((await json(["nodes", "--user", "gina"])).map((n: { id: string }) => n.id)).toContain(node.id);
  });
});

describe("a hand-written config that reads its policy from a file", () => {
  it("shows that file's policy, and refuses changes with where to make them instead", async () => {
    const policyFile = await file("hand.hujson", POLICY("erin"));
    const config = await readFile(t.helper.paths.headscaleConfig, "utf8");
    await writeFile(
      t.helper.paths.headscaleConfig,
      config.replace(/^policy:\n(?: {2}.*\n)+/m, `policy:\n  mode: file\n  path: ${policyFile}\n`),
    );
    await t.client.call("headscale.restart", undefined, { timeoutMs: 90_000 });
    expect((await json(["policy", "get"])).policy).toBe(POLICY("erin"));
    const history = await json(["policy", "history"]);
    const refused = await cli(["policy", "set", await file("other.json", '{"acls":[]}')]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim()).toMatch(/reads its policy from a file .*edit that file instead$/);
    expect(await readFile(policyFile, "utf8")).toBe(POLICY("erin"));
    expect(await json(["policy", "history"])).toEqual(history); // a refusal keeps nothing
  });
});
