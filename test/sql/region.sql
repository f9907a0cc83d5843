-- region codes only ever flag an ID, never reject it
SET search_path = medaid, public;

-- with no region table loaded nothing can be said
SELECT cnid_county_known('11010519491231002X') AS known_without_table;

INSERT INTO region (code, name, level, parent_code) VALUES
	('370000', '山东省', 'province', NULL),
	('370100', '济南市', 'city', '370000'),
	('370102', '历下区', 'county', '370100');

SELECT id, cnid_county_known(id) AS county_known
FROM (VALUES ('370102195001010011'::cnid), ('370199195001010010'::cnid),
			 ('830000199201300022'::cnid)) AS v(id);

-- an unknown county is still a valid ID
SELECT (cnid_check('370199195001010010')).ok AS accepted;

-- the table is configuration that pg_dump keeps
SELECT c.relname, e.extconfig IS NOT NULL AS registered
FROM pg_extension e, unnest(e.extconfig) AS cfg(oid) JOIN pg_class c ON c.oid = cfg.oid
WHERE e.extname = 'medaid'
ORDER BY c.relname;

INSERT INTO region (code, name, level) VALUES ('37010', 'bad', 'county');
