/** What the logged-in user may do in a tenant; mirrors the API's permission matrix for display. */
import { h } from "../dom";
import { currentUser, membershipFor, roleAtLeast } from "../session";
import type { Role } from "../api-types";

/** A platform admin looking at a tenant they are not a member of: read-only, audit-logged. */
export function isSupportView(tenantId: string): boolean {
  return Boolean(currentUser()?.user.isPlatformAdmin) && membershipFor(tenantId) === null;
}

export function can(tenantId: string, role: Role): boolean {
  return !isSupportView(tenantId) && roleAtLeast(tenantId, role);
}

export function supportBanner(tenantId: string): HTMLElement | null {
  if (!isSupportView(tenantId)) return null;
  return h(
    "p",
    { class: "banner", role: "note" },
    "Support view: you are seeing this business as its staff do. Nothing can be changed here, and every page you open is recorded in the audit log.",
  );
}

export function readOnlyNote(tenantId: string, needed: Role): HTMLElement | null {
  if (isSupportView(tenantId) || can(tenantId, needed)) return null;
  return h(
    "p",
    { class: "note" },
    `You can look at this page; changing it needs the ${needed} role or higher.`,
  );
}
