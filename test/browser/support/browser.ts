/** Chromium for the browser tests, screenshots for the manual, and API shortcuts for setup. */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";

const SCREENSHOTS = path.resolve(import.meta.dirname, "../../../docs/screenshots");

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** A fresh browser profile (own cookies), desktop-sized unless a phone is asked for. */
export async function newPage(browser: Browser, options: { phone?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: options.phone ? { width: 390, height: 844 } : { width: 1280, height: 860 },
    deviceScaleFactor: 1,
    locale: "en-US",
    timezoneId: "UTC",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/**
 * Takes a screenshot. With UPDATE_SCREENSHOTS=1 it replaces docs/screenshots/<name>.png (used by
 * docs/TENANT_ADMIN_MANUAL.md); otherwise it goes to test-results/screenshots/, so an ordinary
 * test run never rewrites tracked files.
 */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: screenshotPath(name), fullPage });
}

/** Where the screenshot `name` goes (see `screenshot`), for screenshots of a single element. */
export function screenshotPath(name: string): string {
  const dir =
    process.env.UPDATE_SCREENSHOTS === "1"
      ? SCREENSHOTS
      : path.join(path.dirname(path.dirname(SCREENSHOTS)), "test-results", "screenshots");
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}

export async function logIn(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
): Promise<void> {
  await page.goto(`${baseUrl}/#/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("button", { name: "Log out" }).waitFor();
}

/** A logged-in API session from Node, for setting up what a test is not about. */
export class ApiSession {
  private cookie = "";
  private csrf = "";
  constructor(private readonly baseUrl: string) {}

  async login(email: string, password: string): Promise<this> {
    const res = await fetch(`${this.baseUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    if (!res.ok) throw new Error(`login as ${email} answered ${res.status}: ${await res.text()}`);
    this.cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const body: { csrfToken: string } = await res.json();
    this.csrf = body.csrfToken;
    return this;
  }

  async call<T>(method: string, pathName: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${pathName}`, {
      method,
      headers: {
        cookie: this.cookie,
        "x-csrf-token": this.csrf,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${pathName} answered ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }
}

/** The token of an invitation link (`…/#/accept?token=…`). */
export function tokenOf(link: string): string {
  const token = new URL(link.replace("#/accept", "accept")).searchParams.get("token");
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

/** Accepts an invitation over the API (for users a test needs but is not about). */
export async function acceptOverApi(
  baseUrl: string,
  link: string,
  password: string,
): Promise<void> {
  const res = await fetch(`${baseUrl}/api/auth/invitations/accept`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: tokenOf(link), password }),
  });
  if (!res.ok) throw new Error(`accepting ${link} answered ${res.status}: ${await res.text()}`);
}

/**
 * Makes `email` a member of a tenant with `role` through the operators' invitation, accepted over
 * the API (for users a test needs but is not about).
 */
export async function addMemberOverApi(
  baseUrl: string,
  operator: { email: string; password: string },
  tenantId: string,
  member: { email: string; role: "owner" | "admin" | "staff"; password: string },
): Promise<void> {
  const admin = await new ApiSession(baseUrl).login(operator.email, operator.password);
  const { link } = await admin.call<{ link: string }>(
    "POST",
    `/api/platform/tenants/${tenantId}/invitations`,
    { email: member.email, role: member.role },
  );
  await acceptOverApi(baseUrl, link, member.password);
}

let counter = 0;
/** An address no other test (or earlier run) uses. */
export function uniqueEmail(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}@example.test`;
}

/**
 * Opens an app URL. Going to the URL the page already shows is no navigation at all for a
 * hash route, so that case reloads, to start from what the server has now.
 */
export async function visit(page: Page, url: string): Promise<void> {
  if (page.url() === url) await page.reload();
  else await page.goto(url);
}
