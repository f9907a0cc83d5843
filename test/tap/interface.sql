-- docs/rules.md §8, the public interface the maintainers' acceptance checks use:
-- every name, with the columns and types it promises (columns may be
-- added, none renamed).
\i test/support/tap_setup.sql
BEGIN;
SELECT plan(26);

SELECT has_type('medaid', 'cnid', 'type cnid');
SELECT has_type('medaid', 'category', 'type category');
SELECT has_function('medaid', 'cnid_check', ARRAY['text'], 'cnid_check(text)');
SELECT is((SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
		   FROM pg_attribute a
		   WHERE a.attrelid = (SELECT typrelid FROM pg_type
							   WHERE oid = (SELECT prorettype FROM pg_proc
											WHERE oid = 'cnid_check(text)'::regprocedure))
			 AND a.attnum > 0 AND a.attname IN ('id', 'ok', 'reason')),
		  'id cnid, ok boolean, reason text', 'cnid_check returns (id cnid, ok boolean, reason text)');
SELECT function_returns('medaid', 'cnid_birth_date', ARRAY['cnid'], 'date', 'cnid_birth_date(cnid) -> date');
SELECT function_returns('medaid', 'cnid_sex', ARRAY['cnid'], 'text', 'cnid_sex(cnid) -> text');
SELECT function_returns('medaid', 'cnid_region', ARRAY['cnid'], 'text', 'cnid_region(cnid) -> text');
SELECT function_returns('medaid', 'cnid_mask', ARRAY['cnid'], 'text', 'cnid_mask(cnid) -> text');
SELECT function_returns('medaid', 'normalize_name', ARRAY['text'], 'text', 'normalize_name(text) -> text');
SELECT ok(to_regprocedure('medaid.best_category(medaid.category)') IS NOT NULL
		  AND (SELECT prokind FROM pg_proc WHERE oid = 'medaid.best_category(medaid.category)'::regprocedure) = 'a',
		  'best_category(category) is an aggregate');
SELECT function_returns('medaid', 'open_batch', ARRAY['text', 'date', 'text'], 'bigint', 'open_batch(text, date, text) -> bigint');
SELECT ok(to_regprocedure('medaid.reconcile(bigint)') IS NOT NULL, 'reconcile(bigint)');
SELECT function_returns('medaid', 'category_on', ARRAY['cnid', 'date'], 'category', 'category_on(cnid, date) -> category');
SELECT ok(to_regprocedure('medaid.annual_burden(date, numeric, numeric)') IS NOT NULL
		  AND (SELECT prokind FROM pg_proc WHERE oid = 'medaid.annual_burden(date, numeric, numeric)'::regprocedure) = 'a',
		  'annual_burden(date, numeric, numeric) is an aggregate');
SELECT ok(to_regprocedure('medaid.run_monthly_warnings(date)') IS NOT NULL, 'run_monthly_warnings(date)');

-- the columns of the tables and views, in the words of docs/rules.md, with their types
CREATE TEMP TABLE promised (rel text, cols text);
INSERT INTO promised VALUES
	('roster_staging', 'batch_id bigint, row_no integer, name text, id_number text, category text, event text, event_date date, region text'),
	('roster_outcome', 'batch_id bigint, row_no integer, outcome text, reason text'),
	('settlement', 'settlement_id text, id_number cnid, settle_date date, region text, total numeric, fund_paid numeric, critical_paid numeric, assistance_paid numeric, reverses text'),
	('income_baseline', 'province text, year integer, per_capita_income numeric'),
	('warning', 'month date, id_number cnid, category text, annual_burden numeric, threshold numeric, first_crossed_on date, is_new boolean'),
	('enrollment', 'id_number cnid, year integer, region text, enrolled_on date'),
	('suspected_uninsured', 'year integer, id_number cnid, region text, category text'),
	('participation_rate', 'year integer, region text, recipients bigint, enrolled bigint, rate numeric, meets_target boolean');
CREATE FUNCTION pg_temp.has_columns(rel text, cols text) RETURNS text
	LANGUAGE sql AS $$
	SELECT is((SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, NULL), ', ' ORDER BY p.ord)
			   FROM unnest(string_to_array(cols, ', ')) WITH ORDINALITY p(col, ord)
			   JOIN pg_attribute a ON a.attrelid = to_regclass('medaid.' || rel)
				AND a.attname = split_part(p.col, ' ', 1) AND a.attnum > 0 AND NOT a.attisdropped),
			  cols, 'medaid.' || rel || ' has ' || cols)
$$;
SELECT pg_temp.has_columns(rel, cols) FROM promised ORDER BY rel;
SELECT is((SELECT c.relkind::text FROM pg_class c WHERE c.oid = 'medaid.suspected_uninsured'::regclass), 'v',
		  'suspected_uninsured is a view');
SELECT is((SELECT c.relkind::text FROM pg_class c WHERE c.oid = 'medaid.participation_rate'::regclass), 'v',
		  'participation_rate is a view');
-- roster_staging and settlement take COPY with exactly their promised columns
SELECT is((SELECT count(*)::int FROM pg_attribute a WHERE a.attrelid = 'medaid.settlement'::regclass
		   AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''), 9,
		  'settlement has exactly the nine columns a COPY gives (burden is generated)');

SELECT * FROM finish();
ROLLBACK;
