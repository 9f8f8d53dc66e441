/** Usage queries and answers: day ranges of the daily rollups. */
import { z } from "zod";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const Day = z
  .string()
  .regex(DAY, "must be a date (YYYY-MM-DD)")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), "must be a real date");

export const UsageQuery = z
  .object({ from: Day.optional(), to: Day.optional() })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    path: ["to"],
    message: "must not be before from",
  });
export type UsageQuery = z.infer<typeof UsageQuery>;

export const Usage = z
  .object({
    calls: z.number(),
    minutes: z.number(),
    callSeconds: z.number(),
    modelInputTokens: z.number(),
    modelOutputTokens: z.number(),
    smsSent: z.number(),
  })
  .meta({ id: "Usage" });
export type Usage = z.infer<typeof Usage>;

export const TenantUsage = z.object({
  tenantId: z.string(),
  from: z.string(),
  to: z.string(),
  totals: Usage,
  days: z.array(Usage.extend({ day: z.string() })),
});

export const UsageOverview = z.object({
  from: z.string(),
  to: z.string(),
  tenants: z.array(
    z.object({ tenantId: z.string(), slug: z.string(), businessName: z.string(), totals: Usage }),
  ),
});
