/** Who is calling, once authenticated. Produced only by auth/middleware.ts. */
export type Role = "owner" | "admin" | "staff";

export interface UserPrincipal {
  kind: "user";
  userId: string;
  email: string;
  isPlatformAdmin: boolean;
  sessionIdHash: string;
  csrfToken: string;
}

export interface ApiKeyPrincipal {
  kind: "api_key";
  apiKeyId: string;
  tenantId: string;
  /** When the key was last seen, to keep "last used" fresh without a write per request. */
  lastUsedAt?: string | null;
}

export type Principal = UserPrincipal | ApiKeyPrincipal;
