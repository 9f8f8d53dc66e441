/** Test clients for the Worker: JSON requests as a logged-in user or with an API key. */
import { env, SELF } from "cloudflare:test";
import { seedDemo } from "../../workers/seed/seed";

export const BASE = "https://receptionist.test";

export interface Session {
  cookie: string;
  csrfToken: string;
  userId: string;
}

export type Auth = { session: Session } | { apiKey: string } | { none: true };

export interface ApiResult<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { auth?: Auth; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const auth = options.auth ?? { none: true };
  if ("session" in auth) {
    headers.cookie = auth.session.cookie;
    headers["x-csrf-token"] ??= auth.session.csrfToken;
  } else if ("apiKey" in auth) {
    headers.authorization = `Bearer ${auth.apiKey}`;
  }
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const res = await SELF.fetch(`${BASE}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Non-JSON answers (TwiML) are returned as text.
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export async function login(email: string, password: string): Promise<Session> {
  const res = await SELF.fetch(`${BASE}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const body = await res.json<{ csrfToken: string; user: { id: string } }>();
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0] ?? "";
  return { cookie, csrfToken: body.csrfToken, userId: body.user.id };
}

export function loginAsPlatformAdmin(): Promise<Session> {
  return login(env.PLATFORM_ADMIN_EMAIL ?? "", env.PLATFORM_ADMIN_PASSWORD ?? "");
}

let seeded: Promise<unknown> | null = null;
/** The demo tenants, seeded once per test file (the seed is idempotent). */
export function seedDemoTenants(): Promise<unknown> {
  seeded ??= seedDemo(env);
  return seeded;
}

let counter = 0;
/** A slug and an unused phone number unique to this test run, so tests never share rows. */
export function uniqueTenantInput(prefix = "test"): { slug: string; phoneNumber: string } {
  counter += 1;
  const n = (Date.now() % 1_000_000) * 100 + counter + Math.floor(Math.random() * 50);
  return { slug: `${prefix}-${n}`, phoneNumber: `+1555${String(n).padStart(7, "0").slice(-7)}` };
}
