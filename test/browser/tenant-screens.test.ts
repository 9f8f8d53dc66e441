/**
 * A tenant owner works through the admin screens of their business (the demo insurance agency):
 * call log and a call's transcript, callers and a profile form built from the industry
 * template, leads, team, API keys, SMS recipients, own keys and the activity log. The
 * screenshots taken here illustrate docs/TENANT_ADMIN_MANUAL.md.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { simulateCall } from "../../tools/sim/twilio-caller";
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
import type { RealtimeRecorder } from "./support/realtime-recorder";
import { startRealtimeRecorder } from "./support/realtime-recorder";

const TENANT = "tnt_demo_peterson";
const TENANT_NUMBER = "+19497071290";
const KNOWN_CALLER = "+19495550100";
const PASSWORD = "owner password 5678";

describe("a tenant owner's screens", () => {
  const baseUrl = inject("baseUrl");
  const vars = inject("vars");
  let browser: Browser;
  let page: Page;
  let recorder: RealtimeRecorder;
  const email = uniqueEmail("peterson-owner");
  const at = (path: string) => `${baseUrl}/#/t/${TENANT}/${path}`;

  beforeAll(async () => {
    const admin = await new ApiSession(baseUrl).login(
      vars.PLATFORM_ADMIN_EMAIL ?? "",
      vars.PLATFORM_ADMIN_PASSWORD ?? "",
    );
    const { link } = await admin.call<{ link: string }>(
      "POST",
      `/api/platform/tenants/${TENANT}/invitations`,
      {
        email,
        role: "owner",
      },
    );
    await acceptOverApi(baseUrl, link, PASSWORD);
    // A call in which the caller asks for a quote and the agent records a lead.
    recorder = await startRealtimeRecorder(inject("simPort"), {
      speed: 4,
      steps: [
        {
          on: "response.create",
          do: [{ say: "Hi John, thanks for calling Peterson Insurance.", audioMs: 400 }],
        },
        {
          on: "caller_audio_ms:600",
          do: [
            {
              callTool: "capture_lead",
              args: { name: "John Smith", reason: "Quote for a second car", confirmed: true },
            },
          ],
        },
        {
          on: "function_output:capture_lead",
          do: [{ say: "Done, the team will call you back.", audioMs: 400 }],
        },
      ],
    });
    await simulateCall({
      baseUrl,
      publicBaseUrl: vars.PUBLIC_BASE_URL ?? baseUrl,
      authToken: vars.TWILIO_AUTH_TOKEN ?? "",
      accountSid: vars.TWILIO_ACCOUNT_SID ?? "",
      from: KNOWN_CALLER,
      to: TENANT_NUMBER,
      lines: [{ afterMs: 300, text: "I'd like a quote for a second car" }],
      durationMs: 3000,
    });
    browser = await launchBrowser();
    page = await newPage(browser);
    await logIn(page, baseUrl, email, PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await recorder?.close();
  });

  it("lists the call in the call log and opens its transcript", async () => {
    await expect
      .poll(
        async () => {
          await visit(page, at("calls"));
          await page.getByRole("heading", { level: 1, name: "Call log" }).waitFor();
          return page.getByRole("link", { name: /2026|20\d\d/ }).count();
        },
        { timeout: 20_000, interval: 1000 },
      )
      .toBeGreaterThan(0);
    await screenshot(page, "call-log");
    await page
      .getByRole("link", { name: /20\d\d/ })
      .first()
      .click();
    await page.getByRole("heading", { level: 2, name: "Transcript" }).waitFor();
    await screenshot(page, "call-detail", true);
  });

  it("filters the call log by caller", async () => {
    await visit(page, at("calls"));
    await page.getByLabel("Caller").fill("+15550000000");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByText("No calls match these filters.").waitFor();
  });

  it("finds a caller and shows the template's profile form", async () => {
    await visit(page, at("callers"));
    await page.getByLabel("Search callers").fill("John");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: "John Smith" }).first().click();
    await page.getByRole("heading", { level: 1, name: "John Smith" }).waitFor();
    await page.getByRole("heading", { level: 2, name: "Details" }).waitFor();
    await screenshot(page, "caller-profile");
  });

  it("shows a profile field's error next to the field and saves nothing", async () => {
    await visit(page, at(`callers/${encodeURIComponent(KNOWN_CALLER)}`));
    const emailField = page.getByLabel("Email", { exact: true });
    await emailField.fill("not-an-email");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByText("must be an email address").waitFor();
    await expect(emailField.getAttribute("aria-invalid")).resolves.toBe("true");
    await page
      .locator('[data-field="email"]')
      .screenshot({ path: "docs/screenshots/caller-profile-error.png" });
  });

  it("saves a valid profile change", async () => {
    await visit(page, at(`callers/${encodeURIComponent(KNOWN_CALLER)}`));
    await page.getByLabel("City", { exact: true }).fill("Irvine");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByText("Profile saved.").waitFor();
  });

  it("shows the lead the call captured on the board", async () => {
    await visit(page, at("leads"));
    await page.getByRole("heading", { level: 2, name: /^New/ }).waitFor();
    await page.getByText("Quote for a second car").first().waitFor();
    await screenshot(page, "leads-board");
  });

  it("moves a lead to another stage on the board", async () => {
    await visit(page, at("leads"));
    await page
      .getByRole("combobox", { name: "Stage of John Smith" })
      .first()
      .selectOption("contacted");
    const contacted = page.getByRole("region", { name: /^Contacted/ });
    await contacted.getByText("Quote for a second car").waitFor();
    await expect(contacted.getByRole("heading").textContent()).resolves.toContain("(1)");
  });

  it("invites a staff member and shows the one-time link", async () => {
    await visit(page, at("team"));
    await page.getByLabel("Email").fill(uniqueEmail("peterson-staff"));
    await page.getByLabel("Role").selectOption("staff");
    await page.getByRole("button", { name: "Create invitation" }).click();
    await page.getByRole("textbox", { name: "Invitation link" }).waitFor();
    await screenshot(page, "team", true);
  });

  it("creates an API key, shows it once, and revokes it", async () => {
    await visit(page, at("api-keys"));
    await page.getByLabel("Name").fill("CRM sync");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = await page.getByRole("textbox", { name: "Your new key" }).inputValue();
    expect(key).toMatch(/^nsk_/);
    await screenshot(page, "api-key-created");
    await visit(page, at("api-keys"));
    await expect(page.locator("main").textContent()).resolves.not.toContain(key);
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Revoke CRM sync" }).first().click();
    await page.getByText("revoked").first().waitFor();
  });

  it("saves SMS recipients in any common format and refuses a bad number", async () => {
    await visit(page, at("sms"));
    const numbers = page.getByLabel("Numbers to text");
    await numbers.fill("12345");
    await page.getByRole("button", { name: "Save recipients" }).click();
    await page.getByText(/12345: /).waitFor();
    await numbers.fill("(949) 555-0111\n+1 310 555 0142");
    await page.getByRole("button", { name: "Save recipients" }).click();
    await page.getByText("Saved 2 recipient(s).").waitFor();
    await expect(numbers.inputValue()).resolves.toBe("+19495550111\n+13105550142");
    await screenshot(page, "sms-recipients");
  });

  it("stores an own provider key without ever showing it back", async () => {
    const secret = "sk-own-key-never-shown-123";
    await visit(page, at("keys"));
    const form = page.locator('[data-secret="openai_api_key"]');
    await form.getByLabel("OpenAI API key").fill(secret);
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByText("OpenAI API key saved.").waitFor();
    await expect(form.getByLabel("OpenAI API key").inputValue()).resolves.toBe("");
    await page.reload();
    await page
      .getByText(/Set, last changed/)
      .first()
      .waitFor();
    expect(await page.content()).not.toContain(secret);
    await screenshot(page, "own-keys");
    page.once("dialog", (dialog) => void dialog.accept());
    await page
      .locator('[data-secret="openai_api_key"]')
      .getByRole("button", { name: /Remove/ })
      .click();
    await page.locator('[data-secret="openai_api_key"]').getByText("Not set").waitFor();
  });

  it("lists the changes in the activity log", async () => {
    await visit(page, at("audit"));
    await page.getByRole("cell", { name: "caller.profile_update" }).first().waitFor();
    await screenshot(page, "activity-log");
  });

  it("is readable on a phone, with the menu behind a button", async () => {
    const phone = await newPage(browser, { phone: true });
    await logIn(phone, baseUrl, email, PASSWORD);
    await phone.goto(at("settings"));
    await phone.getByRole("heading", { level: 1, name: "Agent settings" }).waitFor();
    await expect(phone.getByRole("navigation", { name: "Main" }).isVisible()).resolves.toBe(false);
    await screenshot(phone, "phone-settings");
    await phone.getByRole("button", { name: "Menu" }).click();
    await phone.getByRole("link", { name: "Call log" }).click();
    await phone.getByRole("heading", { level: 1, name: "Call log" }).waitFor();
    // Focus moves to the new screen's heading after navigation.
    await expect(phone.locator("#page-title:focus").count()).resolves.toBe(1);
    await screenshot(phone, "phone-call-log");
    await phone.context().close();
  });
});

describe("the operators' support view of a tenant", () => {
  const baseUrl = inject("baseUrl");
  const vars = inject("vars");

  it("shows the tenant read-only and records the visit in the audit log", async () => {
    const browser = await launchBrowser();
    try {
      const page = await newPage(browser);
      await logIn(
        page,
        baseUrl,
        vars.PLATFORM_ADMIN_EMAIL ?? "",
        vars.PLATFORM_ADMIN_PASSWORD ?? "",
      );
      await page.goto(`${baseUrl}/#/t/${TENANT}/settings`);
      await page.getByText(/Support view: you are seeing this business/).waitFor();
      await expect(page.getByLabel("Greeting", { exact: true }).isDisabled()).resolves.toBe(true);
      await expect(page.getByRole("button", { name: "Save settings" }).count()).resolves.toBe(0);
      await page.goto(`${baseUrl}/#/platform/audit`);
      await page.getByLabel("Action").fill("support.view");
      await page.getByRole("button", { name: "Filter" }).click();
      await page.getByRole("cell", { name: TENANT }).first().waitFor();
      await screenshot(page, "platform-audit");
    } finally {
      await browser.close();
    }
  });
});
