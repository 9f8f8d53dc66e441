-- Keyword leg of memory search: FTS5 over memory key and value, kept in step by triggers.
CREATE VIRTUAL TABLE memories_fts USING fts5(
  key,
  value,
  content='memories',
  content_rowid='id',
  tokenize='porter unicode61'
);
--> statement-breakpoint
CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
  INSERT INTO memories_fts(rowid, key, value) VALUES (new.id, new.key, new.value);
END;
--> statement-breakpoint
CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
  INSERT INTO memories_fts(memories_fts, rowid, key, value) VALUES ('delete', old.id, old.key, old.value);
END;
--> statement-breakpoint
CREATE TRIGGER memories_fts_update AFTER UPDATE OF key, value ON memories BEGIN
  INSERT INTO memories_fts(memories_fts, rowid, key, value) VALUES ('delete', old.id, old.key, old.value);
  INSERT INTO memories_fts(rowid, key, value) VALUES (new.id, new.key, new.value);
END;
