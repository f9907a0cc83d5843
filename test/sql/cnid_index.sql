-- cnid: operators, btree and hash classes, binary send/recv
SET search_path = medaid, public;

-- the operator classes are valid
SELECT opc.opcname, am.amname, amvalidate(opc.oid)
FROM pg_opclass opc JOIN pg_am am ON am.oid = opc.opcmethod
WHERE opc.opcnamespace = 'medaid'::regnamespace
ORDER BY 1, 2;

-- the order of cnid is the order of its canonical text, on random numbers
CREATE TABLE cnid_sample AS
SELECT (body || substr('10X98765432',
		(SELECT sum(substr(body, i, 1)::int * (ARRAY[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[i])::int % 11 + 1
		 FROM generate_series(1, 17) i), 1))::cnid AS id
FROM (SELECT (ARRAY['11','37','44','81','65'])[1 + (g % 5)]
			 || lpad((g * 7919 % 10000)::text, 4, '0')
			 || to_char(date '1930-01-01' + (g * 104729 % 30000), 'YYYYMMDD')
			 || lpad((g * 31 % 1000)::text, 3, '0') AS body
	  FROM generate_series(1, 5000) g) s;
SELECT count(*) AS rows, count(DISTINCT id) AS distinct_ids FROM cnid_sample;
SELECT count(*) AS order_mismatches
FROM (SELECT id, row_number() OVER (ORDER BY id) AS by_cnid,
			 row_number() OVER (ORDER BY id::text COLLATE "C") AS by_text
	  FROM cnid_sample) s
WHERE by_cnid <> by_text;

-- comparison operators agree with cnid_cmp and with text
SELECT count(*) FILTER (WHERE (a.id < b.id) <> (a.id::text COLLATE "C" < b.id::text)) AS lt_wrong,
	   count(*) FILTER (WHERE (a.id <= b.id) <> (cnid_cmp(a.id, b.id) <= 0)) AS le_wrong,
	   count(*) FILTER (WHERE (a.id > b.id) <> (cnid_cmp(a.id, b.id) > 0)) AS gt_wrong,
	   count(*) FILTER (WHERE (a.id >= b.id) <> (cnid_cmp(a.id, b.id) >= 0)) AS ge_wrong,
	   count(*) FILTER (WHERE (a.id = b.id) <> (a.id::text = b.id::text)) AS eq_wrong,
	   count(*) FILTER (WHERE (a.id <> b.id) = (a.id = b.id)) AS ne_wrong
FROM (SELECT id FROM cnid_sample LIMIT 200) a, (SELECT id FROM cnid_sample LIMIT 200 OFFSET 100) b;

-- a btree index answers equality and ranges
CREATE UNIQUE INDEX cnid_sample_btree ON cnid_sample (id);
ANALYZE cnid_sample;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM cnid_sample WHERE id = '370102195001010011';
EXPLAIN (COSTS OFF) SELECT count(*) FROM cnid_sample
	WHERE id BETWEEN '370000180001010003' AND '379999202512319997';
SELECT count(*) FROM cnid_sample WHERE id BETWEEN '370000180001010003' AND '379999202512319997';
SELECT count(*) FROM cnid_sample WHERE cnid_region(id) LIKE '37%';
-- a hash index answers equality
DROP INDEX cnid_sample_btree;
CREATE INDEX cnid_sample_hash ON cnid_sample USING hash (id);
EXPLAIN (COSTS OFF) SELECT * FROM cnid_sample WHERE id = '370102195001010011';
SELECT count(*) FROM cnid_sample s WHERE id = (SELECT id FROM cnid_sample ORDER BY id OFFSET 77 LIMIT 1);
RESET enable_seqscan;
RESET enable_bitmapscan;

-- hash joins and hash aggregates work
SET enable_mergejoin = off;
SET enable_nestloop = off;
SELECT count(*) FROM cnid_sample a JOIN cnid_sample b USING (id);
RESET enable_mergejoin;
RESET enable_nestloop;
SELECT count(*) FROM (SELECT id FROM cnid_sample GROUP BY id) g;

-- hash support agrees with int8 hashing of the body and is seed-sensitive
SELECT cnid_hash('11010519491231002X') = hashint8(11010519491231002) AS hash_is_int8_hash,
	   cnid_hash_extended('11010519491231002X', 0) = hashint8extended(11010519491231002, 0) AS ext_is_int8_hash,
	   cnid_hash_extended('11010519491231002X', 1) <> cnid_hash_extended('11010519491231002X', 0) AS seeded;

-- binary send: version byte 1, then the body as int8
SELECT cnid_send('11010519491231002X');

-- binary COPY round trip, and recv refusing a bad version and a bad body
SELECT '/tmp/medaid_regress_' || pg_backend_pid() AS f \gset
COPY (SELECT id FROM cnid_sample ORDER BY id LIMIT 100) TO :'f' (FORMAT binary);
CREATE TEMP TABLE cnid_copy (id cnid);
COPY cnid_copy FROM :'f' (FORMAT binary);
SELECT count(*) AS copied,
	   count(*) = (SELECT count(*) FROM (SELECT id FROM cnid_sample ORDER BY id LIMIT 100) x
				   WHERE x.id IN (SELECT id FROM cnid_copy)) AS all_match
FROM cnid_copy;
-- a one-row binary COPY file holding version byte v and body b
CREATE FUNCTION pg_temp.copy_file(v int, b bigint) RETURNS bytea LANGUAGE sql AS $$
	SELECT '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
		|| '\x0001'::bytea || int4send(9) || set_byte('\x00'::bytea, 0, v)
		|| int8send(b) || '\xffff'::bytea
$$;
SELECT lo_from_bytea(0, pg_temp.copy_file(1, 11010519491231002)) AS lo \gset
SELECT lo_export(:lo, :'f'), lo_unlink(:lo);
COPY cnid_copy FROM :'f' (FORMAT binary);
SELECT id FROM cnid_copy WHERE id = '11010519491231002X';
SELECT lo_from_bytea(0, pg_temp.copy_file(2, 11010519491231002)) AS lo \gset
SELECT lo_export(:lo, :'f'), lo_unlink(:lo);
COPY cnid_copy FROM :'f' (FORMAT binary);
SELECT lo_from_bytea(0, pg_temp.copy_file(1, 11010519491332002)) AS lo \gset
SELECT lo_export(:lo, :'f'), lo_unlink(:lo);
COPY cnid_copy FROM :'f' (FORMAT binary);
SELECT lo_from_bytea(0, pg_temp.copy_file(1, -5)) AS lo \gset
SELECT lo_export(:lo, :'f'), lo_unlink(:lo);
COPY cnid_copy FROM :'f' (FORMAT binary);
DROP TABLE cnid_sample;
