/**
 * The operators' screens: finding tenants, a tenant's lifecycle (suspend, resume, template,
 * offboard), usage per tenant with a chart, and system health.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ApiSession, launchBrowser, logIn, newPage, screenshot, visit } from "./support/browser";

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
    await screenshot(page, "platform-usage", true);
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
