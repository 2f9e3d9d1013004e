-- Run as superuser in the Mongo-protocol server's database (`mongo`) at every stack start; safe to repeat.
--
-- FerretDB v1 looks a field up as `_jsonb -> $1 @> $2` (jsonb containment, the key a bind
-- parameter), which its own btree indexes on `(_jsonb -> 'field')` cannot serve: every lookup,
-- even by `_id`, scanned its whole collection, and a collection of PDFs was detoasted row by row.
-- A GIN twin (jsonb_path_ops) of each field its indexes name serves `@>`, once the planner sees the
-- key as a constant: hence custom plans for every execution of FerretDB's prepared statements.
SET client_min_messages = warning;
ALTER DATABASE mongo SET plan_cache_mode = force_custom_plan;

-- A twin per field of the index (the lookup by `crmApplicationId` is selective, by `crmClientId` not),
-- one per collection and field however many indexes name it.
CREATE OR REPLACE FUNCTION ferretdb_gin_twin(index_oid oid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  index_row pg_index := (SELECT i FROM pg_index i WHERE i.indexrelid = index_oid);
  field text;
BEGIN
  IF pg_get_indexdef(index_oid) LIKE '% USING gin %' THEN
    RETURN;
  END IF;
  FOR position IN 1..index_row.indnkeyatts LOOP
    field := substring(pg_get_indexdef(index_oid, position, true) FROM '^\(?_jsonb -> ''([^'']+)''::text\)?$');
    CONTINUE WHEN field IS NULL;
    EXECUTE format(
      'CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((_jsonb -> %L) jsonb_path_ops)',
      left((SELECT relname FROM pg_class WHERE oid = index_row.indrelid), 40) || '_' || left(md5(field), 12) || '_gin',
      index_row.indrelid::regclass, field);
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION ferretdb_gin_twins() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
  command record;
BEGIN
  FOR command IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' LOOP
    PERFORM ferretdb_gin_twin(command.objid);
  END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS ferretdb_gin_twins;
CREATE EVENT TRIGGER ferretdb_gin_twins ON ddl_command_end WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION ferretdb_gin_twins();

-- Indexes FerretDB made before this ran.
DO $$
BEGIN
  PERFORM ferretdb_gin_twin(i.indexrelid)
  FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast');
END $$;
