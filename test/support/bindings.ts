import { env } from "cloudflare:test";

/** Every tenant database binding the test runtime migrates (demo tenants and the warm pool). */
export function tenantBindingNames(): string[] {
  return Object.keys(env).filter(
    (name) => name.startsWith("TENANT_") && name !== "TENANT_UNMIGRATED",
  );
}

export function tenantD1(name: string): D1Database {
  const value: unknown = (env as unknown as Record<string, unknown>)[name];
  if (!value) throw new Error(`no binding ${name}`);
  return value as D1Database;
}
