/** Who is calling, once authenticated. Produced only by auth middleware. */
export type Role = "owner" | "admin" | "staff";

export type Principal =
  | { kind: "user"; userId: string; email: string; isPlatformAdmin: boolean; sessionIdHash: string; csrfToken: string }
  | { kind: "api_key"; apiKeyId: string; tenantId: string };
