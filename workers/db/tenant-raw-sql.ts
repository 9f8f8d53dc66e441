/**
 * The tenant database's SQL that drizzle cannot express, all in one place. Everything else goes
 * through `tenant.schema.ts`.
 * - `memoriesMatching`: FTS5. `memories_fts` is a virtual table (kept in step with `memories` by
 *   triggers in the migrations); drizzle can neither declare it nor join it, nor call `MATCH`
 *   and `bm25()` as a ranking. The filters come in as drizzle conditions on `memories`.
 */
import type { SQL } from "drizzle-orm";
import { sql } from "drizzle-orm";
import type { TenantDb } from "./handles";
import type { memories } from "./tenant.schema";

type MemoryRow = typeof memories.$inferSelect;

/** The columns of `memories` named as `MemoryRow`'s fields. */
const MEMORY_COLUMNS = sql.raw(
  'memories.id, memories.caller_id AS "callerId", memories.type, memories.key, memories.value, ' +
    'memories.source_call_sid AS "sourceCallSid", memories.source_turn AS "sourceTurn", ' +
    'memories.confidence, memories.observed_at AS "observedAt", ' +
    'memories.valid_from AS "validFrom", memories.valid_to AS "validTo", ' +
    'memories.superseded_by AS "supersededBy", memories.created_at AS "createdAt"',
);

/** Memories matching an FTS5 query (and `where`), best BM25 rank first, newest first on ties. */
export function memoriesMatching(
  db: TenantDb,
  match: string,
  where: SQL | undefined,
  limit: number,
): Promise<MemoryRow[]> {
  return db.all<MemoryRow>(
    sql`SELECT ${MEMORY_COLUMNS} FROM memories_fts JOIN memories ON memories.id = memories_fts.rowid
        WHERE memories_fts MATCH ${match} ${where ? sql`AND ${where}` : sql``}
        ORDER BY bm25(memories_fts), memories.id DESC LIMIT ${limit}`,
  );
}
