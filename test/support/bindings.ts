import { env } from "cloudflare:test";

/** Every tenant database binding the test runtime carries (demo tenants and the warm pool). */
export function tenantBindingNames(): string[] {
  return Object.keys(env).filter((name) => name.startsWith("TENANT_"));
}
