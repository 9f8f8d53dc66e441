/**
 * The admin app refuses input over a limit instead of cutting it to fit (a browser's maxlength
 * cuts pasted text silently, and the shortened value would be saved), and a list with several
 * bad entries shows every one of them.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ApiSession,
  addMemberOverApi,
  launchBrowser,
  logIn,
  newPage,
  uniqueEmail,
  visit,
} from "./support/browser";

const TENANT = "tnt_demo_johnson";
const PASSWORD = "owner password 4321";

type Agent = { agentConfig: { agentName: string; smsRecipients: string[] } };

describe("over-long and bad input in the admin app", () => {
  const baseUrl = inject("baseUrl");
  const vars = inject("vars");
  const at = (path: string) => `${baseUrl}/#/t/${TENANT}/${path}`;
  let browser: Browser;
  let page: Page;
  let owner: ApiSession;

  beforeAll(async () => {
    const email = uniqueEmail("johnson-owner");
    await addMemberOverApi(
      baseUrl,
      { email: vars.PLATFORM_ADMIN_EMAIL ?? "", password: vars.PLATFORM_ADMIN_PASSWORD ?? "" },
      TENANT,
      { email, role: "owner", password: PASSWORD },
    );
    owner = await new ApiSession(baseUrl).login(email, PASSWORD);
    browser = await launchBrowser();
    page = await newPage(browser);
    await logIn(page, baseUrl, email, PASSWORD);
  });

  afterAll(async () => {
    await browser.close();
  });

  it("names the limit for a 61-character agent name and saves nothing", async () => {
    const before = await owner.call<Agent>("GET", `/api/tenants/${TENANT}/agent`);
    await visit(page, at("settings"));
    await page.getByLabel("Agent name").fill("R".repeat(61));
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("must be at most 60 characters").waitFor();
    const after = await owner.call<Agent>("GET", `/api/tenants/${TENANT}/agent`);
    expect(after.agentConfig.agentName).toBe(before.agentConfig.agentName);
  });

  it("lists every bad SMS recipient, not only the first", async () => {
    await visit(page, at("sms"));
    await page.getByLabel("Numbers to text").fill("12345\n+19495550111\nnot a number\ncall me");
    await page.getByRole("button", { name: "Save recipients" }).click();
    for (const bad of ['"12345"', '"not a number"', '"call me"'])
      await page.getByText(bad, { exact: false }).first().waitFor();
  });
});
