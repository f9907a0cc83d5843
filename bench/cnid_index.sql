-- bench/cnid_index.sql: btree size, cnid against the same values as text.
CREATE TABLE ids AS
	SELECT id FROM (SELECT (medaid.cnid_check(raw)).id FROM messy) s WHERE id IS NOT NULL;
CREATE TABLE ids_text AS SELECT id::text AS id FROM ids;
CREATE INDEX ids_id_idx ON ids (id);
CREATE INDEX ids_text_id_idx ON ids_text (id);

INSERT INTO medaid_bench.info
SELECT 'index_rows', count(*) FROM ids
UNION ALL
SELECT 'index_cnid_bytes', pg_relation_size('ids_id_idx')
UNION ALL
SELECT 'index_text_bytes', pg_relation_size('ids_text_id_idx');
