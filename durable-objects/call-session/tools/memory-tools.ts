/** Caller memory during the call: keep a fact the caller states, and find what was said before. */
import { z } from "zod";
import {
  MEMORY_TYPES,
  MemoryKey,
  MemoryType,
  MemoryValue,
} from "../../../workers/memory/memory.schema";
import { memory } from "./memory-port";
import { callerNumber } from "./phone-readback";
import { defineTool, fail, succeed } from "./types";

const WITHHELD =
  "the caller's number is withheld, so nothing can be remembered about them across calls";

export const rememberFact = defineTool({
  name: "remember_fact",
  description: `Remember one fact the caller stated, for this and future calls (e.g. their car, a preference, a promise to call back). type is one of ${MEMORY_TYPES.join(", ")}; key names the fact (e.g. "vehicle", "best_time_to_call"); value is the fact in a short sentence. A new value for the same type and key replaces the old one and keeps it as history.`,
  args: z
    .object({
      type: MemoryType,
      key: MemoryKey.describe('Short name of the fact, e.g. "vehicle"'),
      value: MemoryValue.describe("The fact, in a short sentence"),
    })
    .strict(),
  async run(args, ctx) {
    const phone = callerNumber(ctx.callerPhone);
    if (!phone) return fail(WITHHELD);
    const result = await memory.rememberFact(ctx.tenant, {
      phone,
      type: args.type,
      key: args.key,
      value: args.value,
      source: { callSid: ctx.callSid },
    });
    if (!result.ok) return fail(result.error);
    return succeed({ outcome: result.outcome, memory_id: result.id });
  },
});

export const searchMemory = defineTool({
  name: "search_memory",
  description:
    "Search what this caller told the business on earlier calls (facts, preferences, open items). Use a few keywords or a short question.",
  args: z
    .object({
      query: z.string().trim().min(1).max(500).describe("Keywords or a short question"),
    })
    .strict(),
  async run(args, ctx) {
    const phone = callerNumber(ctx.callerPhone);
    if (!phone) return fail(WITHHELD);
    const result = await memory.searchMemories(ctx.tenant, { query: args.query, phone, limit: 5 });
    if (!result.ok) return fail(result.error);
    return succeed({
      results: result.hits.map((h) => ({
        type: h.type,
        key: h.key,
        value: h.value,
        observed_at: h.observedAt,
        current: h.current,
      })),
    });
  },
});
