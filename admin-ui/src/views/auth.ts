/** Logging in, accepting an invitation (or a reset link), and changing one's password. */
import { ApiError, api, setCsrfToken } from "../api";
import { h } from "../dom";
import { navigate } from "../router";
import { loadSession } from "../session";
import type { Field } from "../ui";
import { field, page, reportError, statusBox } from "../ui";
import type { ViewContext } from "../view";

function safeNext(next: string | null): string {
  // Only in-app paths, never another origin.
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function loginView(ctx: ViewContext): HTMLElement {
  const email = field(
    "Email",
    h("input", { type: "email", autocomplete: "username", required: true, autofocus: true }),
    { name: "email" },
  );
  const password = field(
    "Password",
    h("input", { type: "password", autocomplete: "current-password", required: true }),
    { name: "password" },
  );
  const fields = new Map<string, Field>([
    ["email", email],
    ["password", password],
  ]);
  const box = statusBox();
  const submit = h("button", { type: "submit", class: "primary" }, "Log in");
  const form = h(
    "form",
    { class: "card narrow", novalidate: true },
    box,
    email.wrapper,
    password.wrapper,
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    box.clear();
    submit.disabled = true;
    api.auth
      .login({ email: email.input.value, password: password.input.value })
      .then(async (answer) => {
        setCsrfToken(answer.csrfToken);
        await loadSession();
        navigate(safeNext(ctx.query.get("next")));
      })
      .catch((error: unknown) => {
        reportError(error, box, fields);
        password.input.value = "";
        password.input.focus();
      })
      .finally(() => (submit.disabled = false));
  });
  return page("Log in", h("p", {}, "Log in to manage your AI receptionist."), form);
}

export async function acceptView(ctx: ViewContext): Promise<HTMLElement> {
  const token = ctx.query.get("token") ?? "";
  let lookup;
  try {
    lookup = (await api.auth.lookupInvitation(token)).invitation;
  } catch (error) {
    const text =
      error instanceof ApiError && error.code === "invitation_expired"
        ? "This link has expired. Ask the person who sent it for a new one."
        : error instanceof ApiError && error.code === "invitation_used"
          ? "This link was already used. Log in with your email and password instead."
          : error instanceof ApiError && error.status === 404
            ? "This link is not valid. Check that you copied all of it."
            : "This link could not be checked. Try again in a moment.";
    return page(
      "Invitation",
      h("p", { class: "status status-error", role: "alert" }, text),
      h("a", { href: "#/login" }, "Go to the login page"),
    );
  }
  const isReset = lookup.kind === "reset";
  const existing = lookup.existingAccount && !isReset;
  const intro = isReset
    ? `Choose a new password for ${lookup.email}.`
    : lookup.tenant
      ? `You have been invited to ${lookup.tenant.businessName} as ${lookup.role ?? "a member"}, with the email ${lookup.email}.`
      : `You have been invited as a platform operator, with the email ${lookup.email}.`;
  const fields = new Map<string, Field>();
  const displayName = field("Your name", h("input", { type: "text", autocomplete: "name" }), {
    name: "displayName",
    hint: "Shown to your team. Optional.",
  });
  const password = field(
    existing ? "Your current password" : "New password",
    h("input", {
      type: "password",
      autocomplete: existing ? "current-password" : "new-password",
      required: true,
      minlength: existing ? null : 10,
      autofocus: true,
    }),
    {
      name: "password",
      hint: existing
        ? "You already have an account: enter its password to join."
        : "At least 10 characters.",
    },
  );
  const confirm = field(
    "Repeat the password",
    h("input", { type: "password", autocomplete: "new-password", required: true }),
    {
      name: "confirm",
    },
  );
  fields.set("password", password);
  fields.set("confirm", confirm);
  fields.set("displayName", displayName);
  const box = statusBox();
  const submit = h(
    "button",
    { type: "submit", class: "primary" },
    isReset ? "Set password" : "Accept and log in",
  );
  const form = h(
    "form",
    { class: "card narrow", novalidate: true },
    box,
    h("p", {}, intro),
    !isReset && !existing ? displayName.wrapper : null,
    password.wrapper,
    existing ? null : confirm.wrapper,
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    box.clear();
    for (const f of fields.values()) f.setError(null);
    if (!existing && password.input.value !== confirm.input.value) {
      confirm.setError("The two passwords are not the same");
      confirm.input.focus();
      return;
    }
    submit.disabled = true;
    const name = displayName.input.value.trim();
    api.auth
      .acceptInvitation({
        token,
        password: password.input.value,
        ...(name && !isReset && !existing ? { displayName: name } : {}),
      })
      .then(async (answer) => {
        setCsrfToken(answer.csrfToken);
        await loadSession();
        navigate("/");
      })
      .catch((error: unknown) => reportError(error, box, fields))
      .finally(() => (submit.disabled = false));
  });
  return page(isReset ? "Reset your password" : "Accept your invitation", form);
}

export function accountView(): HTMLElement {
  const current = field(
    "Current password",
    h("input", { type: "password", autocomplete: "current-password" }),
    {
      name: "currentPassword",
    },
  );
  const next = field(
    "New password",
    h("input", { type: "password", autocomplete: "new-password", minlength: 10 }),
    {
      name: "newPassword",
      hint: "At least 10 characters. Other browsers where you are logged in will be logged out.",
    },
  );
  const fields = new Map<string, Field>([
    ["currentPassword", current],
    ["newPassword", next],
  ]);
  const box = statusBox();
  const submit = h("button", { type: "submit", class: "primary" }, "Change password");
  const form = h(
    "form",
    { class: "card narrow", novalidate: true },
    box,
    current.wrapper,
    next.wrapper,
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    box.clear();
    submit.disabled = true;
    api.auth
      .changePassword({ currentPassword: current.input.value, newPassword: next.input.value })
      .then((answer) => {
        setCsrfToken(answer.csrfToken);
        current.input.value = "";
        next.input.value = "";
        showFieldsClear(fields);
        box.show("ok", "Your password was changed.");
      })
      .catch((error: unknown) => reportError(error, box, fields))
      .finally(() => (submit.disabled = false));
  });
  return page("Your account", form);
}

function showFieldsClear(fields: Map<string, Field>): void {
  for (const f of fields.values()) f.setError(null);
}
