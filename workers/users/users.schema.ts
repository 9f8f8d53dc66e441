/** The operators' directory of accounts. */
import { z } from "zod";
import { Limit, Offset } from "../lib/paging";

export const UserListQuery = z
  .object({ search: z.string().trim().max(100).optional(), limit: Limit, offset: Offset })
  .strict();
export type UserListQuery = z.infer<typeof UserListQuery>;

export const PlatformUser = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string().nullable(),
    isPlatformAdmin: z.boolean(),
    status: z.enum(["active", "invited", "disabled"]),
    createdAt: z.string(),
    memberships: z.array(
      z.object({ tenantId: z.string(), role: z.enum(["owner", "admin", "staff"]) }),
    ),
  })
  .meta({ id: "PlatformUser" });
export type PlatformUser = z.infer<typeof PlatformUser>;

export const UserPage = z.object({ users: z.array(PlatformUser), total: z.number() });
