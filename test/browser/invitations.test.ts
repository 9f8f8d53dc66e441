/** Invitation links that can no longer be used say so, and offer the login page instead. */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, inject, it } from "vitest";
import { ApiSession, acceptOverApi, launchBrowser, newPage, uniqueEmail } from "./support/browser";

describe("an invitation link", () => {
  const baseUrl = inject("baseUrl");
  const vars = inject("vars");
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("says it was already used when opened a second time", async () => {
    const admin = await new ApiSession(baseUrl).login(
      vars.PLATFORM_ADMIN_EMAIL ?? "",
      vars.PLATFORM_ADMIN_PASSWORD ?? "",
    );
    const { link } = await admin.call<{ link: string }>(
      "POST",
      "/api/platform/tenants/tnt_demo_johnson/invitations",
      {
        email: uniqueEmail("johnson-staff"),
        role: "staff",
      },
    );
    await acceptOverApi(baseUrl, link, "staff password 9012");
    const page = await newPage(browser);
    await page.goto(`${baseUrl}/${link.slice(link.indexOf("#"))}`);
    await page.getByText("This link was already used").waitFor();
    await page.getByRole("link", { name: "Go to the login page" }).waitFor();
    await page.context().close();
  });

  it("says it is not valid when its token was mistyped", async () => {
    const page = await newPage(browser);
    await page.goto(`${baseUrl}/#/accept?token=${"x".repeat(43)}`);
    await page.getByText("This link is not valid").waitFor();
    await page.context().close();
  });
});
