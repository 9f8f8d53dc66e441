/** Team: members and their roles, pending invitations, inviting someone new. */
import { api } from "../api";
import type { Role } from "../api-types";
import { announce, formatDate, h } from "../dom";
import { currentUser, membershipFor } from "../session";
import type { Field } from "../ui";
import { actionButton, field, page, reportError, select, statusBox, table } from "../ui";
import type { ViewContext } from "../view";
import { param } from "../view";
import { can, readOnlyNote, supportBanner } from "./access";

const ROLES: { value: Role; label: string }[] = [
  { value: "owner", label: "Owner" },
  { value: "admin", label: "Admin" },
  { value: "staff", label: "Staff" },
];

/** The link box shown once after an invitation: copy it and send it to the person. */
export function linkReveal(title: string, linkText: string, note: string): HTMLElement {
  const input = h("input", {
    type: "text",
    readonly: true,
    value: linkText,
    class: "secret-value",
    "aria-label": title,
  });
  const copy = h("button", { type: "button" }, "Copy");
  copy.addEventListener("click", () => {
    input.select();
    void navigator.clipboard?.writeText(linkText).then(() => (copy.textContent = "Copied"));
  });
  return h(
    "div",
    { class: "reveal", role: "status" },
    h("h3", {}, title),
    h("p", {}, note),
    h("div", { class: "inline" }, input, copy),
  );
}

export async function teamView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantId = param(ctx, "tenantId");
  const { members, invitations } = await api.tenant.team(tenantId);
  const manage = can(tenantId, "admin");
  const isOwner = can(tenantId, "owner");
  const me = currentUser();
  const box = statusBox();
  const resetSlot = h("div");

  const memberRows = members.map((m) => {
    const self = m.userId === me?.user.id;
    let roleCell: Node | string = ROLES.find((r) => r.value === m.role)?.label ?? m.role;
    // Admins may not touch owners; only owners grant or revoke the owner role.
    const mayEdit = manage && !self && (isOwner || m.role !== "owner");
    if (mayEdit) {
      const options = isOwner ? ROLES : ROLES.filter((r) => r.value !== "owner");
      const picker = select(options, m.role);
      picker.setAttribute("aria-label", `Role of ${m.email}`);
      picker.addEventListener("change", () => {
        picker.disabled = true;
        api.tenant
          .changeRole(tenantId, m.userId, picker.value as Role)
          .then(() => box.show("ok", `${m.email} is now ${picker.value}.`))
          .catch((error: unknown) => {
            picker.value = m.role;
            reportError(error, box);
          })
          .finally(() => (picker.disabled = false));
      });
      roleCell = picker;
    }
    const remove = mayEdit
      ? actionButton(
          "Remove",
          async () => {
            if (!window.confirm(`Remove ${m.email} from the team? They lose access at once.`))
              return;
            try {
              await api.tenant.removeMember(tenantId, m.userId);
              // The screen is redrawn, so the confirmation goes to the page-wide live region.
              announce(`${m.email} was removed.`);
              ctx.rerender();
            } catch (error) {
              reportError(error, box);
            }
          },
          { class: "danger", "aria-label": `Remove ${m.email}` },
        )
      : h("span", {}, self ? "(you)" : "");
    // Owners may issue a reset link to a member whose account belongs to this business alone
    // (the API answers 403 otherwise, and the message says to ask an operator).
    const reset =
      isOwner && !self
        ? actionButton(
            "Reset link",
            async () => {
              if (!window.confirm(`Issue a password reset link for ${m.email}?`)) return;
              try {
                const answer = await api.tenant.resetLink(tenantId, m.userId);
                resetSlot.replaceChildren(
                  linkReveal(
                    "Reset link",
                    answer.link,
                    `Send this link to ${m.email}. It sets a new password, works once and expires on ${formatDate(answer.expiresAt)}.`,
                  ),
                );
                box.show("ok", `Reset link issued for ${m.email}.`);
              } catch (error) {
                reportError(error, box);
              }
            },
            { "aria-label": `Issue a reset link for ${m.email}` },
          )
        : null;
    return [
      m.displayName ? `${m.displayName} <${m.email}>` : m.email,
      roleCell,
      formatDate(m.joinedAt),
      reset ? h("span", { class: "inline" }, remove, reset) : remove,
    ];
  });

  const inviteRow = (inv: (typeof invitations)[number]) => [
    inv.email,
    inv.role ?? "",
    formatDate(inv.expiresAt),
    manage
      ? actionButton(
          "Cancel",
          async () => {
            try {
              await api.tenant.revokeInvitation(tenantId, inv.id);
              ctx.rerender();
            } catch (error) {
              reportError(error, box);
            }
          },
          { "aria-label": `Cancel the invitation for ${inv.email}` },
        )
      : "",
  ];
  const pending = h(
    "div",
    {},
    table(
      "Pending invitations",
      ["Email", "Role", "Expires", ""],
      invitations.map(inviteRow),
      "No pending invitations.",
    ),
  );

  const email = field("Email", h("input", { type: "email", autocomplete: "off", required: true }), {
    name: "email",
  });
  const role = field(
    "Role",
    select(isOwner ? ROLES : ROLES.filter((r) => r.value !== "owner"), "staff"),
    {
      name: "role",
      hint: "Owners manage everything, including own keys; admins manage settings, team and API keys; staff work with calls, callers and leads.",
    },
  );
  const fields = new Map<string, Field>([
    ["email", email],
    ["role", role],
  ]);
  const inviteBox = statusBox();
  const revealSlot = h("div");
  const inviteForm = h(
    "form",
    { class: "card", novalidate: true },
    h("h2", {}, "Invite someone"),
    inviteBox,
    email.wrapper,
    role.wrapper,
    h("button", { type: "submit", class: "primary" }, "Create invitation"),
    revealSlot,
  );
  inviteForm.addEventListener("submit", (event) => {
    event.preventDefault();
    inviteBox.clear();
    api.tenant
      .invite(tenantId, { email: email.input.value, role: role.input.value as Role })
      .then((answer) => {
        revealSlot.replaceChildren(
          linkReveal(
            "Invitation link",
            answer.link,
            `Send this link to ${answer.invitation.email}. It works once and expires on ${formatDate(answer.invitation.expiresAt)}.`,
          ),
        );
        inviteBox.show("ok", `Invitation created for ${answer.invitation.email}.`);
        email.input.value = "";
        return api.tenant.team(tenantId).then((team) => {
          pending.replaceChildren(
            table(
              "Pending invitations",
              ["Email", "Role", "Expires", ""],
              team.invitations.map(inviteRow),
              "No pending invitations.",
            ),
          );
        });
      })
      .catch((error: unknown) => reportError(error, inviteBox, fields));
  });

  const myRole = membershipFor(tenantId)?.role;
  return page(
    "Team",
    supportBanner(tenantId),
    readOnlyNote(tenantId, "admin"),
    myRole ? h("p", {}, `Your role here: ${myRole}.`) : null,
    box,
    h("h2", {}, "Members"),
    table("Team members", ["Person", "Role", "Joined", ""], memberRows),
    resetSlot,
    h("h2", {}, "Pending invitations"),
    pending,
    manage ? inviteForm : null,
  );
}
