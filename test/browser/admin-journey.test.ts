/**
 * The two-tier journey: an operator creates a tenant and invites its owner; the owner accepts
 * the invitation, changes the greeting and a personality slider; the next call is configured
 * with them — no deploy, no code change.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { simulateCall } from "../../tools/sim/twilio-caller";
import {
  launchBrowser,
  logIn,
  newPage,
  screenshot,
  screenshotPath,
  uniqueEmail,
} from "./support/browser";
import type { RealtimeRecorder } from "./support/realtime-recorder";
import { startRealtimeRecorder } from "./support/realtime-recorder";

const NEW_GREETING =
  "Good morning, you've reached {business_name}. {agent_name} speaking, how can I help?";
const WARMTH_LOW = "Keep a neutral, businesslike tone.";

describe("an operator onboards a business and its owner tunes the agent", () => {
  const baseUrl = inject("baseUrl");
  const vars = inject("vars");
  let browser: Browser;
  let recorder: RealtimeRecorder;
  const suffix = Date.now().toString(36).slice(-5);
  const businessName = `Harbor Insurance ${suffix}`;
  const phoneNumber = `+1949${String(Date.now()).slice(-7)}`;
  const ownerEmail = uniqueEmail("owner");
  const ownerPassword = "owner password 1234";

  beforeAll(async () => {
    browser = await launchBrowser();
    recorder = await startRealtimeRecorder(inject("simPort"), {
      steps: [{ on: "response.create", do: [{ say: "Hello there.", audioMs: 400 }] }],
      speed: 4,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await recorder?.close();
  });

  it("creates the tenant, invites the owner, and the owner's changes reach the next call", async () => {
    // 1. The operator logs in and creates the tenant.
    const operator: Page = await newPage(browser);
    await operator.goto(`${baseUrl}/#/login`);
    await operator.getByRole("heading", { name: "Log in" }).waitFor();
    await screenshot(operator, "login");
    await logIn(
      operator,
      baseUrl,
      vars.PLATFORM_ADMIN_EMAIL ?? "",
      vars.PLATFORM_ADMIN_PASSWORD ?? "",
    );
    await operator.getByRole("heading", { level: 1, name: "Tenants" }).waitFor();
    const create = operator.locator("#create-tenant");
    await create.getByLabel("Business name").fill(businessName);
    await create.getByLabel("Phone number").fill(phoneNumber);
    await create.getByLabel("Industry template").selectOption("insurance_v1");
    await screenshot(operator, "platform-tenants", true);
    await create.getByRole("button", { name: "Create tenant" }).click();
    await operator.getByRole("heading", { level: 1, name: businessName }).waitFor();
    await operator.getByText(`${businessName} was created`).waitFor();

    // 2. The operator invites the owner and passes the link on.
    const invite = operator.locator("#invite-owner");
    await invite.getByLabel("Email").fill(ownerEmail);
    await invite.getByLabel("Role").selectOption("owner");
    await invite.getByRole("button", { name: "Create invitation" }).click();
    const linkBox = invite.getByRole("textbox", { name: "Invitation link" });
    await linkBox.waitFor();
    const link = await linkBox.inputValue();
    expect(link).toMatch(/#\/accept\?token=/);
    await screenshot(operator, "platform-tenant-detail", true);

    // 3. The owner opens the link in their own browser and sets a password.
    const owner = await newPage(browser);
    await owner.goto(`${baseUrl}/${link.slice(link.indexOf("#"))}`);
    await owner.getByRole("heading", { level: 1, name: "Accept your invitation" }).waitFor();
    await owner.getByLabel("Your name").fill("Dana Harbor");
    await owner.getByLabel("New password").fill(ownerPassword);
    await owner.getByLabel("Repeat the password").fill(ownerPassword);
    await screenshot(owner, "accept-invite");
    await owner.getByRole("button", { name: "Accept and log in" }).click();
    await owner.getByRole("heading", { level: 1, name: "Agent settings" }).waitFor();

    // 4. The owner changes the greeting (previewed live) and the Warmth slider (previewed as instructions).
    await owner.getByLabel("Greeting", { exact: true }).fill(NEW_GREETING);
    await expect
      .poll(() => owner.locator("#greeting-preview-unknown").textContent())
      .toBe(`Good morning, you've reached ${businessName}. Alex speaking, how can I help?`);
    await owner.getByLabel("Warmth", { exact: true }).fill("10");
    await expect
      .poll(() => owner.locator("#instructions-preview").textContent(), { timeout: 10_000 })
      .toContain(WARMTH_LOW);
    await screenshot(owner, "agent-settings");
    await owner
      .getByRole("group", { name: "Warmth & empathy" })
      .screenshot({ path: screenshotPath("personality-sliders") });
    await owner
      .locator("#instructions-preview")
      .screenshot({ path: screenshotPath("instructions-preview") });
    await owner.getByRole("button", { name: "Save settings" }).click();
    await owner.getByText("Saved. The next call uses these settings.").waitFor();

    // 5. The next call to the business's number is configured with the new settings.
    const report = await simulateCall({
      baseUrl,
      publicBaseUrl: vars.PUBLIC_BASE_URL ?? baseUrl,
      authToken: vars.TWILIO_AUTH_TOKEN ?? "",
      accountSid: vars.TWILIO_ACCOUNT_SID ?? "",
      from: "+15555550123",
      to: phoneNumber,
      durationMs: 2500,
    });
    expect(report.errors).toEqual([]);
    const events = recorder.sessions.at(-1) ?? [];
    const sessionUpdate = events.find((e) => e.type === "session.update");
    const instructions = JSON.stringify(sessionUpdate?.session ?? {});
    expect(instructions).toContain(WARMTH_LOW);
    expect(instructions).toContain(businessName);
    const greetingRequest = events.find((e) => e.type === "response.create");
    expect(JSON.stringify(greetingRequest ?? {})).toContain(
      `Good morning, you've reached ${businessName}. Alex speaking, how can I help?`,
    );
  });
});
