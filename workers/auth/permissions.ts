/**
 * The permission matrix: which roles may perform each action. Every admin route checks one of
 * these actions (`can` / `authorize`), and docs/PERMISSIONS.md is generated from this table
 * (test/auth/permissions-doc.test.ts fails when they differ).
 *
 * Finer rules that depend on the target (an admin may not touch owners, the last owner stays)
 * live in workers/admin/team.ts; this table says who may attempt the action at all.
 */
import type { Role } from "./principal";

/** Everyone an action can be granted to: the operators, the three tenant roles, and tenant API keys. */
export const ACTOR_ROLES = ["platform_admin", "owner", "admin", "staff", "api_key"] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

const TENANT_READERS: readonly ActorRole[] = [
  "owner",
  "admin",
  "staff",
  "platform_admin",
  "api_key",
];
const TENANT_MANAGERS: readonly ActorRole[] = ["owner", "admin"];

export interface PermissionRule {
  readonly roles: readonly ActorRole[];
  readonly description: string;
}

export const PERMISSIONS = {
  // Platform tier: operators only.
  "platform.tenants.read": {
    roles: ["platform_admin"],
    description: "List, search and open tenants",
  },
  "platform.tenants.manage": {
    roles: ["platform_admin"],
    description:
      "Create, suspend, resume, offboard tenants; assign templates; issue tenant API keys",
  },
  "platform.usage.read": {
    roles: ["platform_admin"],
    description: "Usage per tenant (calls, minutes, tokens)",
  },
  "platform.health.read": { roles: ["platform_admin"], description: "System health" },
  "platform.audit.read": { roles: ["platform_admin"], description: "The whole audit log" },
  "platform.users.manage": {
    roles: ["platform_admin"],
    description:
      "List users, invite tenant owners and platform admins, issue reset links for anyone",
  },

  // Tenant tier. platform_admin appears only on reads: that is the audited, read-only support view.
  "tenant.read": {
    roles: TENANT_READERS,
    description: "See the tenant's name, status and template",
  },
  "agent.read": {
    roles: ["owner", "admin", "staff", "platform_admin"],
    description: "See agent settings, sliders, voices and previews",
  },
  "agent.update": {
    roles: TENANT_MANAGERS,
    description:
      "Change agent settings (greeting, voice, sliders, transfer number, SMS recipients)",
  },
  "calls.read": { roles: TENANT_READERS, description: "Call log, transcripts, summaries, metrics" },
  "callers.read": { roles: TENANT_READERS, description: "Search callers and open their profiles" },
  "callers.update": {
    roles: ["owner", "admin", "staff", "api_key"],
    description: "Edit a caller's profile",
  },
  "leads.read": { roles: TENANT_READERS, description: "Leads list and board" },
  "leads.move": {
    roles: ["owner", "admin", "staff", "api_key"],
    description: "Move a lead to another stage",
  },
  "team.read": {
    roles: ["owner", "admin", "platform_admin"],
    description: "See members and pending invitations",
  },
  "team.manage": {
    roles: TENANT_MANAGERS,
    description: "Invite, change roles, remove (admins cannot grant or touch owners)",
  },
  "team.reset_link": {
    roles: ["owner"],
    description:
      "Issue a password reset link to a member whose account belongs to this tenant only",
  },
  "api_keys.read": {
    roles: ["owner", "admin", "platform_admin"],
    description: "List API keys (prefix, name, dates)",
  },
  "api_keys.manage": { roles: TENANT_MANAGERS, description: "Create and revoke API keys" },
  "secrets.read": {
    roles: ["owner", "admin", "platform_admin"],
    description: "See which bring-your-own keys are set (names and dates, never values)",
  },
  "secrets.manage": { roles: ["owner"], description: "Set or delete bring-your-own keys" },
  "audit.read": {
    roles: ["owner", "admin", "platform_admin"],
    description: "The tenant's own audit log",
  },
} as const satisfies Record<string, PermissionRule>;

export type Action = keyof typeof PERMISSIONS;

export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

export function can(role: ActorRole | null | undefined, action: Action): boolean {
  if (!role) return false;
  const allowed: readonly ActorRole[] = PERMISSIONS[action].roles;
  return allowed.includes(role);
}

/** The actor role of a tenant context's principal (`TenantContext.role` is null for API keys). */
export function actorRole(role: Role | "platform_admin" | null, via: string): ActorRole | null {
  if (role) return role;
  return via === "api_key" ? "api_key" : null;
}

const ROLE_TITLES: Record<ActorRole, string> = {
  platform_admin: "Platform admin",
  owner: "Owner",
  admin: "Admin",
  staff: "Staff",
  api_key: "API key",
};

/** The matrix as a Markdown table: the body of docs/PERMISSIONS.md between its markers. */
export function permissionsMarkdownTable(): string {
  const header = `| Action | What it allows | ${ACTOR_ROLES.map((r) => ROLE_TITLES[r]).join(" | ")} |`;
  const rule = `|---|---|${ACTOR_ROLES.map(() => ":-:").join("|")}|`;
  const rows = ACTIONS.map((action) => {
    const cells = ACTOR_ROLES.map((r) => (can(r, action) ? "✓" : "—"));
    return `| \`${action}\` | ${PERMISSIONS[action].description} | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...rows].join("\n");
}
