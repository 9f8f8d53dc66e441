/** Requests and answers of the team routes: members, invitations, reset links. */
import { z } from "zod";
import { Email, InvitationRole } from "../auth/auth.schema";

export const InviteMember = z.object({ email: Email, role: InvitationRole }).strict();
export type InviteMember = z.infer<typeof InviteMember>;

export const InvitePlatformAdminRequest = z.object({ email: Email }).strict();
export type InvitePlatformAdminRequest = z.infer<typeof InvitePlatformAdminRequest>;

export const ChangeRole = z.object({ role: InvitationRole }).strict();
export type ChangeRole = z.infer<typeof ChangeRole>;

const LinkRole = z.enum(["owner", "admin", "staff", "platform_admin"]);

export const Invitation = z
  .object({
    id: z.string(),
    email: z.string(),
    role: LinkRole.nullable(),
    tenantId: z.string().nullable(),
    expiresAt: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: "Invitation" });
export type Invitation = z.infer<typeof Invitation>;

export const InvitationIssued = z.object({ invitation: Invitation, link: z.string() });

/** A single-use password reset link. */
export const ResetLink = z.object({ link: z.string(), expiresAt: z.string() }).meta({
  id: "ResetLink",
});

export const Member = z
  .object({
    userId: z.string(),
    email: z.string(),
    displayName: z.string().nullable(),
    role: InvitationRole,
    status: z.enum(["active", "invited", "disabled"]),
    joinedAt: z.string(),
  })
  .meta({ id: "Member" });
export type Member = z.infer<typeof Member>;

export const Team = z.object({ members: z.array(Member), invitations: z.array(Invitation) });
export const MemberAnswer = z.object({ member: Member });

export const TeamParams = z.object({ tenantId: z.string() });
export const MemberParams = TeamParams.extend({ userId: z.string() });
export const InvitationParams = TeamParams.extend({ id: z.string() });
