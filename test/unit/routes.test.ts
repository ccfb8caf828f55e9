import { describe, expect, it } from "vitest";
import { changeApproved, exitNodeState, pendingRoutes, servedRoutes } from "../../helper/headscale/routes.js";
import { routeProblem } from "../../helper/util/cidr.js";
import { routesSummary } from "../../helper/cli/format.js";
import { sampleNode } from "../support/samples.js";

const phone = sampleNode({ id: "1", givenName: "phone" });
import { findAuthId } from "../../helper/headscale/registration.js";

describe("routes", () => {
  it("tells a route in CIDR form from anything else", () => {
    for (const route of [
      "192.0.2.0/24",
      "0.0.0.0/0",
      "::/0",
      "2001:db8::/32",
      "198.51.100.7/32",
      "::ffff:192.0.2.0/120",
    ]) {
      expect(routeProblem(route), route).toBeUndefined();
    }
    for (const text of ["192.0.2.0", "192.0.2.0/33", "2001:db8::/129", "192.0.2.0/-1", "a/24", "/24", "192.0.2.0/2x"]) {
      expect(routeProblem(text), text).toMatch(/a route in CIDR form/);
    }
  });

  it("names the route meant when bits are set past the prefix length", () => {
    expect(routeProblem("192.0.2.5/24")).toBe("192.0.2.5/24 has bits set past /24: the route is 192.0.2.0/24");
    expect(routeProblem("192.0.2.130/25")).toMatch(/the route is 192\.0\.2\.128\/25$/);
    expect(routeProblem("2001:db8::1/64")).toMatch(/the route is 2001:db8::\/64$/);
    expect(routeProblem("2001:db8:1:2:3:4:5:6/20")).toMatch(/the route is 2001:\/20$|the route is 2001::\/20$/);
  });

  it("approves and unapproves an exit node as a pair, whichever half is named", () => {
    expect(changeApproved([], ["0.0.0.0/0"], [])).toEqual(["0.0.0.0/0", "::/0"]);
    expect(changeApproved(["192.0.2.0/24", "0.0.0.0/0", "::/0"], [], ["::/0"])).toEqual(["192.0.2.0/24"]);
    expect(changeApproved(["192.0.2.0/24"], ["192.0.2.0/24", "198.51.100.0/24"], [])).toEqual([
      "192.0.2.0/24",
      "198.51.100.0/24",
    ]);
    expect(changeApproved(["192.0.2.0/24"], ["198.51.100.0/24"], ["198.51.100.0/24"])).toEqual(["192.0.2.0/24"]);
  });

  it("says which routes wait and whether a node is an exit node", () => {
    const offered = { availableRoutes: ["192.0.2.0/24", "0.0.0.0/0", "::/0"], approvedRoutes: ["192.0.2.0/24"] };
    expect(pendingRoutes(offered)).toEqual(["0.0.0.0/0", "::/0"]);
    expect(exitNodeState(offered)).toBe("offered");
    expect(exitNodeState({ ...offered, approvedRoutes: ["0.0.0.0/0", "::/0"] })).toBe("approved");
    expect(exitNodeState({ availableRoutes: ["192.0.2.0/24"], approvedRoutes: [] })).toBe("no");
  });

  it("counts only routes both offered and approved: an approval the node no longer offers serves nothing (#25)", () => {
    // Approved earlier; the client now offers neither the exit node nor the subnet.
    const node = { availableRoutes: [], approvedRoutes: ["0.0.0.0/0", "::/0", "192.0.2.0/24"] };
    expect(exitNodeState(node)).toBe("no");
    expect(servedRoutes(node)).toEqual([]);
    const summary = routesSummary({ ...phone, ...node });
    expect(summary).toBe("");
    expect(
      routesSummary({ ...phone, availableRoutes: ["0.0.0.0/0", "::/0"], approvedRoutes: node.approvedRoutes }),
    ).toBe("exit node");
  });
});

describe("registration keys", () => {
  const id = "hskey-authreq-AbCdEfGhIjKlMnOpQrStUv_-";
  it("finds the auth ID in a URL, a bare key or the lines around it", () => {
    expect(findAuthId(`http://127.0.0.1:8080/register/${id}`)).toBe(id);
    expect(findAuthId(id)).toBe(id);
    expect(findAuthId(`To authenticate, visit:\n\n\thttps://hs.example.test/register/${id}\n\n`)).toBe(id);
  });
  it("finds nothing in a truncated or over-long key, or in other text", () => {
    expect(findAuthId(id.slice(0, -1))).toBeUndefined();
    expect(findAuthId(`${id}x`)).toBeUndefined();
    expect(findAuthId("https://hs.example.test/register/")).toBeUndefined();
    expect(findAuthId("hskey-auth-abc")).toBeUndefined();
  });
});
