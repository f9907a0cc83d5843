-- every function and view works with medaid off the search path (they name
-- their own operators and functions)
SET client_min_messages = warning;
DROP EXTENSION medaid CASCADE;
CREATE EXTENSION medaid;
RESET client_min_messages;
SET datestyle = ISO;
SET search_path = public;
SELECT medaid.open_batch('civil_affairs', '2026-01-01', 'delta') AS b \gset
INSERT INTO medaid.roster_staging VALUES (:b, 1, '李四', '440524188001010014', 'dibao_edge', 'add', '2026-01-03', '370103');
SELECT medaid.close_batch(:b, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b)) \g /dev/null
SELECT applied FROM medaid.reconcile(:b);
SELECT * FROM medaid.category_timeline('440524188001010014');
SELECT medaid.category_on('440524188001010014', '2026-02-01');
SELECT medaid.category_rank('dibao_edge', '370103', '2026-02-01');
SELECT (medaid.cnid_check('440524188001010014')).ok;
SELECT medaid.cnid_county_known('440524188001010014');
INSERT INTO medaid.income_baseline VALUES ('37', 2025, 40000, 't');
INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total) VALUES ('a', '440524188001010014', '2026-01-05', '370103', 90000), ('b', '440524188001010014', '2026-01-06', '370103', 1);
INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total, reverses) VALUES ('c', '440524188001010014', '2026-01-07', '370103', -1, 'b');
SELECT * FROM medaid.run_monthly_warnings('2026-01-01');
SELECT count(*) FROM medaid.push_warnings('2026-01-01', 'rural');
SELECT * FROM medaid.settlement_summary('440524188001010014', '2026-01-01', '2026-12-31');
SELECT count(*) FROM medaid.warning_city_comparison;
SELECT count(*) FROM medaid.warning_follow_up;
SELECT count(*) FROM medaid.settlement_reassessment;
SELECT count(*) FROM medaid.review_status;
SELECT count(*) FROM medaid.anomaly_queue;
SELECT medaid.open_settlement_load() AS l \gset
INSERT INTO medaid.settlement_staging VALUES (:l, 1, 'd', '440524188001010014', '2026-01-08', '370103', '5', '', '', '', NULL);
SELECT * FROM medaid.load_settlements(:l);
SELECT medaid.ensure_settlement_partitions('2026-01-01', '2026-02-01');
SELECT region, month FROM medaid.mark_reviewed('370103', '2026-01-01');
SELECT medaid.best_category(c) FROM unnest('{dibao,jiance}'::medaid.category[]) c;
SELECT * FROM medaid.warning_check('2026-01-01');
SELECT mode FROM medaid.run_monthly_warnings('2026-02-01');
SELECT medaid.rebuild_burden_state(2026);
SELECT length(medaid.warning_config_digest(2026));
SELECT (medaid.burden_state_result(state, '2026-01-31', 1)).total, medaid.burden_state_region(state, '2026-01-31')
FROM medaid.burden_year;
INSERT INTO medaid.resident_contribution VALUES ('37', 2026, 380.00, 't');
INSERT INTO medaid.subsidy_rule VALUES ('37', 2026, 'dibao_edge', 150.00, 't');
SELECT * FROM medaid.enrollment_subsidy('440524188001010014', 2026, '370103', '2026-01-10');
INSERT INTO medaid.enrollment (id_number, year, region, enrolled_on) VALUES ('440524188001010014', 2026, '370103', '2026-01-10');
SELECT subsidy_category, subsidy_amount FROM medaid.enrollment;
UPDATE medaid.enrollment SET subsidy_amount = 1;
SELECT count(*) FROM medaid.participation_ledger;
SELECT count(*) FROM medaid.suspected_uninsured;
SELECT year, region, recipients, enrolled, meets_target FROM medaid.participation_rate ORDER BY year, region;
SELECT count(*) FROM medaid.subsidy_funds;
