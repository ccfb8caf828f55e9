/** What the suites of the admin commands share: one real helper per file, and devices waiting to register. */
import { randomBytes } from "node:crypto";
import type { ReactElement } from "react";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { preferences, resetStandIn } from "../support/raycast-api.js";
import { removeHome, startTestHelper, tempHome, type TestHelper } from "../support/fixtures.js";
import { all, render, waitFor } from "../support/render.js";
import { headscaleChannel, unary } from "../../helper/headscale/grpc/grpc-admin.js";

/** A real helper with Headscale running, which the commands reach through the home preference. */
export function useViewHelper(): () => TestHelper {
  let t: TestHelper | undefined;
  beforeAll(async () => {
    t = await startTestHelper();
    preferences.home = t.home;
  });
  afterAll(async () => {
    await t?.close();
    if (t) await removeHome(t.home);
  });
  beforeEach(resetStandIn);
  return () => t!;
}

/** Runs `check` with the preferences pointing at a home no helper serves. */
export async function withHelperDown(t: TestHelper, check: () => Promise<void>): Promise<void> {
  preferences.home = await tempHome();
  try {
    await check();
  } finally {
    await removeHome(preferences.home);
    preferences.home = t.home;
  }
}

/** With no helper answering, a view says so and offers to start one (never a raw ECONNREFUSED). */
export async function expectHelperUnavailable(t: TestHelper, command: ReactElement): Promise<void> {
  await withHelperDown(t, async () => {
    const view = await render(command);
    // While the first call is under way a view may show its plain empty state: wait for the answer.
    const empty = await waitFor(view, (root) =>
      all(root, "List.EmptyView").find((node) => node.props.title === "The Headscale Remote helper is not running"),
    );
    expect(empty.findAll((node) => node.props.title === "Start Helper and Headscale")).not.toEqual([]);
    view.unmount();
  });
}

/**
 * A device that ran `tailscale up` without a key, as Headscale sees one: DebugCreateNode alone
 * parks it under a fresh auth ID until someone registers it. Resolves to the URL it would print.
 */
export async function waitingDevice(t: TestHelper, name: string): Promise<string> {
  // Headscale wants an existing user to park the device under; registering decides whose it is.
  const parking = "parking";
  if (!(await t.client.call("users.list")).some((user) => user.name === parking)) {
    await t.client.call("users.create", { name: parking });
  }
  const authId = "hskey-authreq-" + randomBytes(18).toString("base64url");
  const channel = headscaleChannel(t.helper.paths.headscaleSocket);
  try {
    await unary(channel, "DebugCreateNode", { user: parking, key: authId, name, routes: [] }, { timeoutMs: 60_000 });
  } finally {
    channel.close();
  }
  const { serverUrl } = (await t.client.call("status")).headscale;
  return `${serverUrl}/register/${authId}`;
}
