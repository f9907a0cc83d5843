-- ID numbers from other validators' own test suites (test/data/id_vectors.csv,
-- sources in test/data/ID_VECTORS.md) give the verdict medaid's rules give.
\i test/support/tap_setup.sql
BEGIN;
CREATE TEMP TABLE vectors (raw text, valid boolean, canonical text, reason text, source text);
\copy vectors FROM 'test/data/id_vectors.csv' WITH (FORMAT csv, HEADER)
SELECT plan((SELECT count(*)::int * 3 FROM vectors) + 1);

SELECT cmp_ok((SELECT count(*)::int FROM vectors), '>=', 100, 'at least 100 vectors loaded');

SELECT is((medaid.cnid_check(raw)).ok, valid,
		  format('verdict for %L (%s)', raw, split_part(source, ' ', 1)))
FROM vectors ORDER BY source, raw;
SELECT is((medaid.cnid_check(raw)).reason, nullif(reason, ''),
		  format('reason for %L', raw))
FROM vectors ORDER BY source, raw;
SELECT is((medaid.cnid_check(raw)).id::text, nullif(canonical, ''),
		  format('canonical form of %L', raw))
FROM vectors ORDER BY source, raw;

SELECT * FROM finish();
ROLLBACK;
