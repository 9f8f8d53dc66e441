/**
 * The document is generated from the routes' own declarations, so it cannot describe a route
 * that does not exist; this holds the other direction: no route answers without a contract.
 */
import { describe, expect, it } from "vitest";
import { app, routeContracts } from "../../workers/app";
import { api } from "../support/api";

type OpenApi = { paths: Record<string, Record<string, unknown>> };

const METHODS = new Set(["get", "post", "put", "patch", "delete"]);

function servedRoutes(): string[] {
  const served = app.routes
    .filter((r) => METHODS.has(r.method.toLowerCase()))
    .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`);
  return [...new Set(served)].sort();
}

async function documentedRoutes(): Promise<string[]> {
  const res = await api<OpenApi>("GET", "/api/openapi.json");
  expect(res.status).toBe(200);
  return Object.entries(res.body.paths)
    .flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((m) => METHODS.has(m))
        .map((m) => `${m} ${path}`),
    )
    .sort();
}

describe("GET /api/openapi.json", () => {
  it("documents every route the Worker serves", async () => {
    const documented = new Set(await documentedRoutes());
    expect(servedRoutes().filter((r) => !documented.has(r))).toEqual([]);
  });

  it("documents no route the Worker does not serve", async () => {
    const served = new Set(servedRoutes());
    expect((await documentedRoutes()).filter((r) => !served.has(r))).toEqual([]);
  });
});

describe("route contracts", () => {
  it("declare each method and path once", () => {
    const keys = routeContracts().flatMap((d) =>
      d.type === "route" ? [`${d.route.method} ${d.route.path}`] : [],
    );
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });
});
