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
  addMemberOverApi,
  launchBrowser,
  logIn,
  newPage,
  screenshot,
  screenshotPath,
  uniqueEmail,
  visit,
} from "./support/browser";
import type { RealtimeRecorder } from "./support/realtime-recorder";
import { startRealtimeRecorder } from "./support/realtime-recorder";

const TENANT = "tnt_demo_peterson";
const TENANT_NUMBER = "+19497071290";
const KNOWN_CALLER = "+19495550100";
const PASSWORD = "owner password 5678";
const MEMBER_PASSWORD = "member password 9012";

/** What the scripted model answers to the post-call job's structured-output requests. */
const POST_CALL_ANSWERS: Record<string, unknown> = {
  call_summary: {
    summary:
      "John Smith asked for a quote to insure a second car. The agent recorded a lead; the team will call him back.",
    sentiment: "positive",
    open_items: [{ key: "second_car_quote", text: "Call John back with a quote for a second car" }],
    metrics: {
      sentiment: 0.8,
      satisfaction: 0.85,
      patience: 0.7,
      friendliness: 0.9,
      urgency: 0.3,
      verbosity: 0.4,
    },
  },
  call_facts: {
    facts: [
      {
        type: "open_item",
        key: "second_car_quote",
        value: "Wants a quote for insuring a second car",
        turn: 1,
        confidence: 0.9,
      },
    ],
    resolved_open_items: [],
    profile_patch_json: "{}",
  },
};

describe("a tenant owner's screens", () => {
  const baseUrl = inject("baseUrl");
  const vars = inject("vars");
  let browser: Browser;
  let page: Page;
  let recorder: RealtimeRecorder;
  const email = uniqueEmail("peterson-owner");
  const at = (path: string) => `${baseUrl}/#/t/${TENANT}/${path}`;
  let owner: ApiSession;

  /** A new member of the tenant (invited by the owner over the API); returns their email. */
  async function addMember(role: "admin" | "staff"): Promise<string> {
    const member = uniqueEmail("peterson-member");
    const { link } = await owner.call<{ link: string }>(
      "POST",
      `/api/tenants/${TENANT}/team/invitations`,
      { email: member, role },
    );
    await acceptOverApi(baseUrl, link, MEMBER_PASSWORD);
    return member;
  }

  beforeAll(async () => {
    await addMemberOverApi(
      baseUrl,
      { email: vars.PLATFORM_ADMIN_EMAIL ?? "", password: vars.PLATFORM_ADMIN_PASSWORD ?? "" },
      TENANT,
      { email, role: "owner", password: PASSWORD },
    );
    owner = await new ApiSession(baseUrl).login(email, PASSWORD);
    // A call in which the caller asks for a quote, the agent records a lead and says goodbye;
    // the post-call job then summarises it (the simulator's structured answers below).
    recorder = await startRealtimeRecorder(
      inject("simPort"),
      {
        speed: 4,
        steps: [
          {
            on: "response.create",
            do: [{ say: "Hi John, thanks for calling Peterson Insurance.", audioMs: 400 }],
          },
          {
            on: "caller_audio_ms:900",
            do: [{ callerSays: "Hi, I'd like a quote for insuring a second car.", audioMs: 400 }],
          },
          {
            on: "response.create",
            do: [
              {
                callTool: "capture_lead",
                args: { name: "John Smith", reason: "Quote for a second car", confirmed: true },
              },
            ],
          },
          {
            on: "function_output:capture_lead",
            do: [{ say: "Done, the team will call you back about the quote.", audioMs: 400 }],
          },
          {
            on: "caller_audio_ms:2600",
            do: [{ callerSays: "Great, thank you. Bye!", audioMs: 300 }],
          },
          {
            on: "response.create",
            do: [{ say: "You're welcome, John. Goodbye!", audioMs: 300 }, { hangupHint: true }],
          },
        ],
      },
      { json: POST_CALL_ANSWERS },
    );
    await simulateCall({
      baseUrl,
      publicBaseUrl: vars.PUBLIC_BASE_URL ?? baseUrl,
      authToken: vars.TWILIO_AUTH_TOKEN ?? "",
      accountSid: vars.TWILIO_ACCOUNT_SID ?? "",
      from: KNOWN_CALLER,
      to: TENANT_NUMBER,
      lines: [{ afterMs: 900, text: "I'd like a quote for insuring a second car" }],
      durationMs: 4000,
    });
    browser = await launchBrowser();
    page = await newPage(browser);
    await logIn(page, baseUrl, email, PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await recorder?.close();
  });

  it("shows a call's summary, metrics and both sides of the transcript", async () => {
    // The post-call job runs from the queue a moment after the call ends.
    await expect
      .poll(
        async () => {
          await visit(page, at("calls"));
          await page.getByRole("heading", { level: 1, name: "Call log" }).waitFor();
          return page.getByRole("cell", { name: /quote to insure a second car/ }).count();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBeGreaterThan(0);
    await screenshot(page, "call-log");
    await page
      .getByRole("link", { name: /20\d\d/ })
      .first()
      .click();
    await page.getByRole("heading", { level: 2, name: "Transcript" }).waitFor();
    const main = page.locator("main");
    await main.getByText(/John Smith asked for a quote/).waitFor();
    await main.getByText("Call John back with a quote for a second car").waitFor();
    await main.getByText("I'd like a quote for insuring a second car").waitFor();
    await main.getByText("Done, the team will call you back about the quote.").waitFor();
    await expect(
      main.getByRole("meter", { name: "friendliness" }).getAttribute("aria-valuetext"),
    ).resolves.toBe("90%");
    await expect(main.textContent()).resolves.not.toContain("interrupted by the caller");
    await screenshot(page, "call-detail", true);
  });

  it("filters the call log by caller", async () => {
    await visit(page, at("calls"));
    await page.getByLabel("Caller").fill("+15550000000");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByText("No calls match these filters.").waitFor();
  });

  /** The unfiltered call log (once the screen shown before it has been replaced). */
  async function openCallLog(): Promise<void> {
    await visit(page, at("calls"));
    await expect
      .poll(async () =>
        (
          await Promise.all(
            ["Caller", "Outcome", "From", "To"].map((label) => page.getByLabel(label).inputValue()),
          )
        ).join(""),
      )
      .toBe("");
    await page.locator("tbody tr").first().waitFor();
  }

  /** Presses Filter and waits until the filtered screen has replaced the form it was sent from. */
  async function filterCalls(url: RegExp): Promise<void> {
    const form = await page.getByRole("search", { name: "Filter calls" }).elementHandle();
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(url);
    await form?.waitForElementState("hidden");
  }

  it("filters the call log by outcome", async () => {
    await openCallLog();
    const outcome =
      (await page.locator("tbody td[data-label='Outcome']").first().textContent()) ?? "";
    const value = outcome.trim().replace(/ /g, "_");
    await page.getByLabel("Outcome").selectOption(value);
    await filterCalls(new RegExp(`outcome=${value}`));
    await expect(page.locator("tbody tr").count()).resolves.toBeGreaterThan(0);
    const shown = await page.locator("tbody td[data-label='Outcome']").allTextContents();
    expect(new Set(shown.map((t) => t.trim()))).toEqual(new Set([outcome.trim()]));
    const other = value === "transferred" ? "message_taken" : "transferred";
    await page.getByLabel("Outcome").selectOption(other);
    await filterCalls(new RegExp(`outcome=${other}`));
    await page.getByText("No calls match these filters.").waitFor();
  });

  it("filters the call log by date", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await openCallLog();
    await page.getByLabel("From").fill(today);
    await filterCalls(new RegExp(`from=${today}`));
    await page
      .getByRole("cell", { name: /quote to insure a second car/ })
      .first()
      .waitFor();
    await page.getByLabel("From").fill("");
    await page.getByLabel("To").fill(yesterday);
    await filterCalls(new RegExp(`to=${yesterday}`));
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
      .screenshot({ path: screenshotPath("caller-profile-error") });
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

  it("shows a lead's history: captured on the call, then moved", async () => {
    await visit(page, at("leads"));
    await page
      .getByRole("region", { name: /^Contacted/ })
      .getByRole("link", { name: "John Smith" })
      .first()
      .click();
    await page.getByRole("heading", { level: 2, name: "History" }).waitFor();
    const history = page.getByRole("table", { name: "History of this lead" });
    await history.getByText("Lead captured").first().waitFor();
    await history.getByText("Moved from New to Contacted").waitFor();
    await page.getByRole("link", { name: "Open the call" }).waitFor();
    await screenshot(page, "lead-history", true);
  });

  it("invites a staff member and shows the one-time link", async () => {
    await visit(page, at("team"));
    await page.getByLabel("Email").fill(uniqueEmail("peterson-staff"));
    await page.getByLabel("Role").selectOption("staff");
    await page.getByRole("button", { name: "Create invitation" }).click();
    await page.getByRole("textbox", { name: "Invitation link" }).waitFor();
    await screenshot(page, "team", true);
  });

  it("changes a member's role", async () => {
    const member = await addMember("staff");
    await visit(page, at("team"));
    await page.getByRole("combobox", { name: `Role of ${member}` }).selectOption("admin");
    await page.getByText(`${member} is now admin.`).waitFor();
    await visit(page, at("team"));
    await expect(
      page.getByRole("combobox", { name: `Role of ${member}` }).inputValue(),
    ).resolves.toBe("admin");
  });

  it("removes a member, who loses access at once", async () => {
    const member = await addMember("staff");
    const theirs = await newPage(browser);
    await logIn(theirs, baseUrl, member, MEMBER_PASSWORD);
    await visit(page, at("team"));
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: `Remove ${member}` }).click();
    await page.getByText(`${member} was removed.`).waitFor();
    // The list is fetched again after the removal; the row goes when it is redrawn.
    await page.getByRole("combobox", { name: `Role of ${member}` }).waitFor({ state: "detached" });
    await theirs.goto(at("calls"));
    await theirs.getByRole("heading", { level: 1, name: "No access" }).waitFor();
    await theirs.context().close();
  });

  it("issues a reset link with which a member sets a new password", async () => {
    const member = await addMember("staff");
    await visit(page, at("team"));
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: `Issue a reset link for ${member}` }).click();
    const resetLink = await page.getByRole("textbox", { name: "Reset link" }).inputValue();
    expect(resetLink).toContain("#/accept?token=");
    await screenshot(page, "team-reset-link", true);

    const theirs = await newPage(browser);
    await theirs.goto(resetLink.replace(/^https?:\/\/[^/]+/, baseUrl));
    await theirs.getByText(`Choose a new password for ${member}.`).waitFor();
    await theirs.getByLabel("New password").fill("a brand new password 42");
    await theirs.getByLabel("Repeat the password").fill("a brand new password 42");
    await theirs.getByRole("button", { name: "Set password" }).click();
    await theirs.getByRole("button", { name: "Log out" }).waitFor();
    await theirs.getByRole("button", { name: "Log out" }).click();
    await theirs.getByRole("heading", { name: "Log in" }).waitFor();
    // The old password no longer works; the new one does.
    await theirs.getByLabel("Email").fill(member);
    await theirs.getByLabel("Password").fill(MEMBER_PASSWORD);
    await theirs.getByRole("button", { name: "Log in" }).click();
    await theirs.getByText("Email or password is wrong").waitFor();
    await logIn(theirs, baseUrl, member, "a brand new password 42");
    await theirs.context().close();
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
    await page.getByText(/"12345" is not a phone number/).waitFor();
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

  it("shows the tenant read-only, records the visit, and counts its calls in usage", async () => {
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
      // By now the calls of this run are counted (the owner's screens above waited for one).
      await page.goto(`${baseUrl}/#/platform/usage`);
      const peterson = page.getByRole("row", { name: /Peterson Family Insurance/ });
      await expect
        .poll(async () => Number(await peterson.getByRole("cell").nth(1).textContent()))
        .toBeGreaterThan(0);
      await screenshot(page, "platform-usage", true);
    } finally {
      await browser.close();
    }
  });
});
