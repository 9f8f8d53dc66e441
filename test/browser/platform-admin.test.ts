/**
 * The operators' screens: finding tenants, a tenant's lifecycle (suspend, resume, template,
 * offboard), usage per tenant with a chart, and system health.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ApiSession,
  acceptOverApi,
  launchBrowser,
  logIn,
  newPage,
  screenshot,
  uniqueEmail,
  visit,
} from "./support/browser";

describe("a platform admin", () => {
  const baseUrl = inject("baseUrl");
  const vars = inject("vars");
  let browser: Browser;
  let page: Page;
  let api: ApiSession;

  beforeAll(async () => {
    api = await new ApiSession(baseUrl).login(
      vars.PLATFORM_ADMIN_EMAIL ?? "",
      vars.PLATFORM_ADMIN_PASSWORD ?? "",
    );
    browser = await launchBrowser();
    page = await newPage(browser);
    await logIn(page, baseUrl, vars.PLATFORM_ADMIN_EMAIL ?? "", vars.PLATFORM_ADMIN_PASSWORD ?? "");
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("finds a tenant by searching its name", async () => {
    await visit(page, `${baseUrl}/#/platform/tenants`);
    await page.getByLabel("Search").fill("peterson");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/search=peterson/);
    await expect.poll(() => page.locator("tbody tr").count()).toBe(1);
    await page.getByRole("link", { name: "Peterson Family Insurance" }).waitFor();
  });

  it("suspends, resumes, re-templates and finally offboards a tenant", async () => {
    const suffix = Date.now().toString(36).slice(-5);
    const { tenant } = await api.call<{ tenant: { id: string; slug: string } }>(
      "POST",
      "/api/platform/tenants",
      {
        slug: `lifecycle-${suffix}`,
        businessName: `Lifecycle Realty ${suffix}`,
        template: "insurance_v1",
        phoneNumber: `+1714${String(Date.now()).slice(-7)}`,
      },
    );
    await visit(page, `${baseUrl}/#/platform/tenants/${tenant.id}`);
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Suspend" }).click();
    await page.getByRole("button", { name: "Resume" }).waitFor();
    await expect(page.locator(".facts .badge").first().textContent()).resolves.toBe("suspended");
    await page.getByRole("button", { name: "Resume" }).click();
    await page.getByRole("button", { name: "Suspend" }).waitFor();

    await page.getByLabel("Industry template").selectOption("real_estate_v1");
    await page.getByRole("button", { name: "Assign template" }).click();
    await page.getByText("Template assigned.").waitFor();
    await expect(page.getByLabel("Industry template").inputValue()).resolves.toBe("real_estate_v1");

    const confirm = page.getByLabel(/Type the slug/);
    await confirm.fill("not-the-slug");
    await page.getByRole("button", { name: "Offboard this tenant" }).click();
    await expect.poll(() => confirm.getAttribute("aria-invalid")).toBe("true");
    await expect(page.locator(".facts .badge").first().textContent()).resolves.toBe("active");
    await confirm.fill(tenant.slug);
    await page.getByRole("button", { name: "Offboard this tenant" }).click();
    await expect.poll(() => page.locator(".facts .badge").first().textContent()).toBe("offboarded");
  });

  it("sees usage per tenant with a chart", async () => {
    await visit(page, `${baseUrl}/#/platform/usage`);
    await page.locator("figcaption", { hasText: "Minutes per tenant" }).waitFor();
    await page.getByRole("link", { name: "Peterson Family Insurance" }).waitFor();
    await expect(page.locator("svg.chart rect.bar").count()).resolves.toBeGreaterThan(0);
  });

  it("issues a reset link for someone's account, which sets a new password", async () => {
    const email = uniqueEmail("forgetful");
    const { link } = await api.call<{ link: string }>(
      "POST",
      "/api/platform/tenants/tnt_demo_smith/invitations",
      { email, role: "staff" },
    );
    await acceptOverApi(baseUrl, link, "first password 123");
    await visit(page, `${baseUrl}/#/platform/users`);
    await page.getByLabel("Search people").fill(email);
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => page.locator("tbody tr").count()).toBe(1);
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: `Issue a reset link for ${email}` }).click();
    const resetLink = await page.getByRole("textbox", { name: "Reset link" }).inputValue();
    await screenshot(page, "platform-users", true);

    const theirs = await newPage(browser);
    await theirs.goto(resetLink.replace(/^https?:\/\/[^/]+/, baseUrl));
    await theirs.getByLabel("New password").fill("second password 456");
    await theirs.getByLabel("Repeat the password").fill("second password 456");
    await theirs.getByRole("button", { name: "Set password" }).click();
    await theirs.getByRole("button", { name: "Log out" }).waitFor();
    await theirs.context().close();
    await new ApiSession(baseUrl).login(email, "second password 456");
  });

  it("lists a tenant's people from the tenant's page, each with a reset link", async () => {
    await visit(page, `${baseUrl}/#/platform/tenants/tnt_demo_smith`);
    await page.getByRole("link", { name: /People of this tenant/ }).click();
    await page.getByRole("heading", { level: 1, name: /^People of / }).waitFor();
    await expect(
      page.getByRole("button", { name: /^Issue a reset link for / }).count(),
    ).resolves.toBeGreaterThan(0);
  });

  it("invites another platform admin, who can then open the operator screens", async () => {
    const email = uniqueEmail("operator");
    await visit(page, `${baseUrl}/#/platform/users`);
    const form = page.locator("form", { hasText: "Invite a platform admin" });
    await form.getByLabel("Email").fill(email);
    await form.getByRole("button", { name: "Create invitation" }).click();
    const link = await form.getByRole("textbox", { name: "Invitation link" }).inputValue();
    await acceptOverApi(baseUrl, link, "operator password 789");
    const operator = await newPage(browser);
    await logIn(operator, baseUrl, email, "operator password 789");
    await operator.goto(`${baseUrl}/#/platform/tenants`);
    await operator.getByRole("heading", { level: 1, name: "Tenants" }).waitFor();
    await operator.context().close();
  });

  it("sees the health of every tenant database and the warm pool", async () => {
    await visit(page, `${baseUrl}/#/platform/health`);
    await page.getByRole("heading", { name: "Tenant databases" }).waitFor();
    await page.getByRole("cell", { name: "tnt_demo_peterson" }).waitFor();
    await screenshot(page, "platform-health", true);
  });

  it("is asked to log in first when a fresh browser opens an operator page", async () => {
    const visitor = await newPage(browser);
    await visitor.goto(`${baseUrl}/#/platform/tenants`);
    await visitor.getByRole("heading", { name: "Log in" }).waitFor();
    await expect(visitor.locator("main").textContent()).resolves.not.toContain("Peterson");
    await visitor.context().close();
  });
});
