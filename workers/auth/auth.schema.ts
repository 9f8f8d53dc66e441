import { z } from "zod";

export const LoginRequest = z
  .object({
    email: z.string().trim().toLowerCase().email("must be an email address").max(254),
    password: z.string().min(1, "is required").max(256),
  })
  .strict();
export type LoginRequest = z.infer<typeof LoginRequest>;

export const MIN_PASSWORD_LENGTH = 10;

export const NewPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(256, "must be at most 256 characters");

export const Email = z.string().trim().toLowerCase().email("must be an email address").max(254);

export const ChangePasswordRequest = z
  .object({
    currentPassword: z.string().min(1, "is required").max(256),
    newPassword: NewPassword,
  })
  .strict()
  .refine((v) => v.currentPassword !== v.newPassword, {
    path: ["newPassword"],
    message: "must differ from the current password",
  });
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

/** A link token: 43 base64url characters (32 random bytes). */
export const LinkToken = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{20,100}$/, "is not a valid link token; copy the whole link");

export const AcceptInvitationRequest = z
  .object({
    token: LinkToken,
    // Only checked against the length rule when it becomes a new password (see invitations.ts).
    password: z.string().min(1, "is required").max(256, "must be at most 256 characters"),
    displayName: z.string().trim().min(1, "must not be empty").max(80).optional(),
  })
  .strict();
export type AcceptInvitationRequest = z.infer<typeof AcceptInvitationRequest>;

export const LookupInvitationQuery = z.object({ token: LinkToken }).strict();

export const InvitationRole = z.enum(["owner", "admin", "staff"]);
export type InvitationRole = z.infer<typeof InvitationRole>;

export const UserView = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string().nullable(),
    isPlatformAdmin: z.boolean(),
  })
  .meta({ id: "User" });

/** A new session for this browser: its cookie is set, its CSRF token is here. */
export const LoginResponse = z
  .object({ user: UserView, csrfToken: z.string(), expiresAt: z.string() })
  .meta({ id: "Login" });

export const LoggedOut = z.object({ ok: z.literal(true) });

export const PasswordChanged = z.object({
  ok: z.literal(true),
  csrfToken: z.string(),
  expiresAt: z.string(),
});

export const MeResponse = z.object({
  user: UserView,
  csrfToken: z.string(),
  memberships: z.array(
    z.object({
      tenantId: z.string(),
      role: InvitationRole,
      businessName: z.string(),
      slug: z.string(),
      status: z.enum(["active", "suspended", "offboarded"]),
    }),
  ),
});

export const InvitationPreview = z
  .object({
    kind: z.enum(["invite", "reset"]),
    email: z.string(),
    role: z.enum(["owner", "admin", "staff", "platform_admin"]).nullable(),
    tenant: z.object({ id: z.string(), businessName: z.string() }).nullable(),
    expiresAt: z.string(),
    existingAccount: z.boolean(),
  })
  .meta({ id: "InvitationPreview" });
export type InvitationPreview = z.infer<typeof InvitationPreview>;
