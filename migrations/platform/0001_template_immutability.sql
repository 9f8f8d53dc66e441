-- A published template version is immutable: profiles written against it must keep validating.
CREATE TRIGGER industry_templates_immutable_update
BEFORE UPDATE ON industry_templates
BEGIN
  SELECT RAISE(ABORT, 'industry templates are immutable once published');
END;
--> statement-breakpoint
CREATE TRIGGER industry_templates_immutable_delete
BEFORE DELETE ON industry_templates
BEGIN
  SELECT RAISE(ABORT, 'industry templates are immutable once published');
END;
