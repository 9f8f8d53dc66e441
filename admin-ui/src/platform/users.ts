/**
 * Operators: people with an account — platform-wide (search) or the members of one tenant —
 * with "Issue reset link" for someone who forgot their password, and inviting another operator.
 */
import { InvitePlatformAdminRequest } from "../../../workers/team/team.schema";
import { api } from "../api";
import { formatDate, h } from "../dom";
import { navigate } from "../router";
import type { Field } from "../ui";
import {
  actionButton,
  field,
  link,
  page,
  pager,
  reportError,
  showIssues,
  statusBox,
  table,
} from "../ui";
import type { ViewContext } from "../view";
import { linkReveal } from "../tenant/team";

const PAGE = 50;

/** The button that asks for a reset link and shows it once, under the table. */
function resetButton(userId: string, email: string, slot: HTMLElement): HTMLButtonElement {
  return actionButton(
    "Issue reset link",
    async () => {
      if (!window.confirm(`Issue a password reset link for ${email}?`)) return;
      const answer = await api.platform.resetLink(userId);
      slot.replaceChildren(
        linkReveal(
          "Reset link",
          answer.link,
          `Send this link to ${email}. It sets a new password, works once and expires on ${formatDate(answer.expiresAt)}. Their other sessions end when they use it.`,
        ),
      );
    },
    { "aria-label": `Issue a reset link for ${email}` },
  );
}

function inviteOperatorForm(): HTMLElement {
  const email = field("Email", h("input", { type: "email", autocomplete: "off", required: true }), {
    name: "email",
    hint: "They get full operator access to every tenant.",
  });
  const fields = new Map<string, Field>([["email", email]]);
  const box = statusBox();
  const reveal = h("div");
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("h2", {}, "Invite a platform admin"),
    box,
    email.wrapper,
    h("button", { type: "submit", class: "primary" }, "Create invitation"),
    reveal,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    box.clear();
    const parsed = InvitePlatformAdminRequest.safeParse({ email: email.input.value });
    if (!parsed.success) {
      showIssues(
        fields,
        parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      );
      return;
    }
    showIssues(fields, []);
    api.platform
      .invitePlatformAdmin(parsed.data)
      .then((answer) => {
        reveal.replaceChildren(
          linkReveal(
            "Invitation link",
            answer.link,
            `Send this link to ${answer.invitation.email}. It works once and expires on ${formatDate(answer.invitation.expiresAt)}.`,
          ),
        );
        box.show("ok", `Invitation created for ${answer.invitation.email}.`);
        email.input.value = "";
      })
      .catch((error: unknown) => reportError(error, box, fields));
  });
  return form;
}

/** One tenant's members (read through the support view, so the read is audit-logged). */
async function tenantMembers(tenantId: string): Promise<HTMLElement> {
  const [{ tenant }, { members }] = await Promise.all([
    api.platform.tenant(tenantId),
    api.tenant.team(tenantId),
  ]);
  const slot = h("div");
  return page(
    `People of ${tenant.businessName}`,
    h(
      "p",
      {},
      link(`/platform/tenants/${encodeURIComponent(tenantId)}`, `Back to ${tenant.businessName}`),
      " · ",
      link("/platform/users", "All people"),
    ),
    table(
      `Members of ${tenant.businessName}`,
      ["Person", "Role", "Joined", ""],
      members.map((m) => [
        m.displayName ? `${m.displayName} <${m.email}>` : m.email,
        m.role,
        formatDate(m.joinedAt),
        resetButton(m.userId, m.email, slot),
      ]),
      "Nobody has joined this tenant yet.",
    ),
    slot,
  );
}

export async function usersView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantId = ctx.query.get("tenant");
  if (tenantId) return tenantMembers(tenantId);
  const search = ctx.query.get("search") ?? "";
  const offset = Math.max(0, Number(ctx.query.get("offset") ?? "0") || 0);
  const answer = await api.platform.users({ search: search || undefined, limit: PAGE, offset });
  const searchField = field(
    "Search people",
    h("input", { type: "search", value: search, placeholder: "Email or name" }),
    { name: "search" },
  );
  const filters = h(
    "form",
    { class: "filters", role: "search" },
    searchField.wrapper,
    h("button", { type: "submit" }, "Search"),
  );
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    const q = searchField.input.value.trim();
    navigate(q ? `/platform/users?search=${encodeURIComponent(q)}` : "/platform/users");
  });
  const slot = h("div");
  return page(
    "People",
    filters,
    table(
      "People with an account",
      ["Person", "Access", "Status", "Since", ""],
      answer.users.map((u) => [
        u.displayName ? `${u.displayName} <${u.email}>` : u.email,
        [
          u.isPlatformAdmin ? "Platform admin" : null,
          ...u.memberships.map((m) => `${m.role} of ${m.tenantId}`),
        ]
          .filter((x): x is string => x !== null)
          .join(", ") || "—",
        u.status,
        formatDate(u.createdAt),
        resetButton(u.id, u.email, slot),
      ]),
      search ? `Nobody matches “${search}”.` : "No accounts yet.",
    ),
    slot,
    pager(offset, PAGE, answer.total, (o) =>
      navigate(
        `/platform/users?${search ? `search=${encodeURIComponent(search)}&` : ""}offset=${o}`,
      ),
    ),
    inviteOperatorForm(),
  );
}
