/**
 * A staff member of one business cannot open another business's calls, callers or settings
 * by typing its URL: the app shows "No access" and none of the other tenant's data.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  addMemberOverApi,
  launchBrowser,
  logIn,
  newPage,
  screenshot,
  uniqueEmail,
} from "./support/browser";

const OWN = "tnt_demo_smith";
const OTHER = "tnt_demo_peterson";
const PASSWORD = "staff password 1234";

describe("a staff user of one tenant", () => {
  const baseUrl = inject("baseUrl");
  const vars = inject("vars");
  let browser: Browser;
  let page: Page;
  const email = uniqueEmail("smith-staff");

  beforeAll(async () => {
    await addMemberOverApi(
      baseUrl,
      { email: vars.PLATFORM_ADMIN_EMAIL ?? "", password: vars.PLATFORM_ADMIN_PASSWORD ?? "" },
      OWN,
      { email, role: "staff", password: PASSWORD },
    );
    browser = await launchBrowser();
    page = await newPage(browser);
    await logIn(page, baseUrl, email, PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("sees its own tenant's callers", async () => {
    await page.goto(`${baseUrl}/#/t/${OWN}/callers`);
    await page.getByRole("heading", { level: 1, name: "Callers" }).waitFor();
    await page.getByRole("cell", { name: "+19495550100" }).first().waitFor();
  });

  it("sees its own tenant's agent settings read-only", async () => {
    await page.goto(`${baseUrl}/#/t/${OWN}/settings`);
    await page.getByRole("heading", { level: 1, name: "Agent settings" }).waitFor();
    await expect(page.getByLabel("Greeting", { exact: true }).isDisabled()).resolves.toBe(true);
    await expect(page.getByRole("button", { name: "Save settings" }).count()).resolves.toBe(0);
    // Screens the staff role cannot open are not offered in the menu.
    await expect(page.getByRole("link", { name: "API keys" }).count()).resolves.toBe(0);
  });

  it("is refused the operators' tenant list", async () => {
    await page.goto(`${baseUrl}/#/platform/tenants`);
    await page.getByRole("heading", { level: 1, name: "No access" }).waitFor();
    await expect(page.locator("main").textContent()).resolves.not.toContain("Peterson");
  });

  for (const [what, path] of [
    ["calls", "calls"],
    ["callers", "callers"],
    ["agent settings", "settings"],
    ["a caller's profile", "callers/%2B19495550100"],
  ] as const) {
    it(`is refused another tenant's ${what} opened by URL`, async () => {
      await page.goto(`${baseUrl}/#/t/${OTHER}/${path}`);
      await page.getByRole("heading", { level: 1, name: "No access" }).waitFor();
      await expect(page.getByRole("alert").textContent()).resolves.toContain("don't have access");
      // Nothing of the other business leaks into the page.
      const body = (await page.locator("main").textContent()) ?? "";
      expect(body).not.toContain("Peterson");
      expect(body).not.toContain("+19495550100");
      if (path === "settings") await screenshot(page, "no-access");
    });
  }
});
