/**
 * Where a call may be transferred. A transfer is a call we place and pay for, so a transfer
 * number is a toll-fraud target: whoever can set it (a compromised staff login, an API key) can
 * dial premium-rate or far-away numbers on the platform's account. So a transfer number must be
 * in a country the tenant allows (by default the country of its own numbers; US and CA for a
 * North American number) and must not be premium-rate. Checked when the setting is saved (a 400
 * naming the problem) and again at dial time (the transfer tool and the continuation's `<Dial>`),
 * since a number saved before these rules, or the rules themselves, may have changed since.
 *
 * The country table is deliberately short: a destination we cannot name is refused.
 */
import { eq } from "drizzle-orm";
import type { AgentConfig } from "../agents/agent-config.schema";
import { platformDb } from "../db/handles";
import { phoneNumbers } from "../db/platform.schema";
import type { Env } from "../env";
import type { Failure } from "../lib/result";
import { fail } from "../lib/result";
import { defaultTransferCountries, transferDestinationProblem } from "../lib/phone-destinations";

async function ownNumbers(env: Env, tenantId: string): Promise<string[]> {
  const rows = await platformDb(env.PLATFORM_DB)
    .select({ e164: phoneNumbers.e164 })
    .from(phoneNumbers)
    .where(eq(phoneNumbers.tenantId, tenantId));
  return rows.map((r) => r.e164);
}

/**
 * Why the configured transfer number may not be dialled, or null (also when there is none).
 * `extraNumbers`: the tenant's numbers not stored yet (a tenant being created).
 */
export async function transferNumberProblem(
  env: Env,
  tenantId: string | null,
  config: Pick<AgentConfig, "transferNumber" | "transferCountries">,
  extraNumbers: readonly string[] = [],
): Promise<string | null> {
  const number = config.transferNumber;
  if (number === null) return null;
  const allowed =
    config.transferCountries ??
    defaultTransferCountries([
      ...(tenantId === null ? [] : await ownNumbers(env, tenantId)),
      ...extraNumbers,
    ]);
  return transferDestinationProblem(number, allowed);
}

/**
 * Save time: a failure naming the problem when a settings change sets a transfer number (or
 * transfer countries) the tenant may not dial. A change that leaves both alone is not refused for
 * a number saved before these rules; that one is refused when dialled.
 */
export async function transferSettingRefusal(
  env: Env,
  tenantId: string | null,
  config: Pick<AgentConfig, "transferNumber" | "transferCountries">,
  patch: { transferNumber?: unknown; transferCountries?: unknown } | undefined,
  extraNumbers: readonly string[] = [],
): Promise<Failure<"invalid_request"> | null> {
  if (patch?.transferNumber === undefined && patch?.transferCountries === undefined) return null;
  const problem = await transferNumberProblem(env, tenantId, config, extraNumbers);
  if (problem === null) return null;
  return fail("invalid_request", `transferNumber: ${problem}`, [
    { path: "transferNumber", message: problem },
  ]);
}
