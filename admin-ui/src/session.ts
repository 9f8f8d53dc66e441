/** Who is logged in: the answer of GET /api/auth/me, kept for the life of the page. */
import { ApiError, api, setCsrfToken } from "./api";
import type { Me, Membership, Role } from "./api-types";

let me: Me | null = null;

export function currentUser(): Me | null {
  return me;
}

export async function loadSession(): Promise<Me | null> {
  try {
    const answer = await api.auth.me();
    setCsrfToken(answer.csrfToken);
    me = answer;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      me = null;
      setCsrfToken(null);
    } else {
      throw error;
    }
  }
  return me;
}

export function clearSession(): void {
  me = null;
  setCsrfToken(null);
}

export function membershipFor(tenantId: string): Membership | null {
  return me?.memberships.find((m) => m.tenantId === tenantId) ?? null;
}

const RANK: Record<Role, number> = { staff: 1, admin: 2, owner: 3 };

/** Mirrors the API's permission matrix, to hide what a role cannot do; the API enforces it. */
export function roleAtLeast(tenantId: string, role: Role): boolean {
  const membership = membershipFor(tenantId);
  if (!membership) return false;
  return RANK[membership.role] >= RANK[role];
}
