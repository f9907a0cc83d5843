-- A deterministic synthetic province for roster reconciliation tests:
-- people with Shandong county codes and messy IDs and names, and a
-- sequence of batches from both departments (civil affairs: tekun, dibao,
-- dibao_edge, zhongbing; rural: fanpin, jiance), delta and snapshot.
--
--   SELECT medaid_province.generate(people => 3000, seed => 0.2026);
--
-- fills medaid_province.batch (batch_no, dept, period, mode), in the order
-- to reconcile, and medaid_province.roster_staging (the columns of
-- medaid.roster_staging; batch_id there is the batch_no).  The generator
-- keeps its own idea of what each department believes a person holds (a
-- plan) only to send plausible events; what the rows actually do is for
-- medaid and the reference model to judge.
--
-- Batch months are arranged so that no snapshot of a department meets a
-- period of that department ending inside the snapshot's month (a case the
-- rules leave open): per department, batches go month by month and a
-- snapshot's month has no delta of its own department.

CREATE SCHEMA medaid_province;

CREATE TABLE medaid_province.batch (
	batch_no integer PRIMARY KEY,
	dept text NOT NULL,
	period date NOT NULL,
	mode text NOT NULL
);
INSERT INTO medaid_province.batch VALUES
	(1, 'civil_affairs', '2026-01-01', 'delta'),
	(2, 'rural', '2026-01-01', 'delta'),
	(3, 'civil_affairs', '2026-02-01', 'delta'),
	(4, 'rural', '2026-02-01', 'snapshot'),
	(5, 'civil_affairs', '2026-03-01', 'snapshot'),
	(6, 'rural', '2026-04-01', 'delta'),
	(7, 'civil_affairs', '2026-04-01', 'delta'),
	(8, 'rural', '2026-05-01', 'snapshot'),
	(9, 'civil_affairs', '2026-05-01', 'snapshot'),
	(10, 'civil_affairs', '2026-06-01', 'delta'),
	(11, 'rural', '2026-06-01', 'delta');

CREATE TABLE medaid_province.roster_staging (LIKE medaid.roster_staging);
ALTER TABLE medaid_province.roster_staging ADD PRIMARY KEY (batch_id, row_no);
-- what the generator meant by each row (for diagnostics only)
CREATE TABLE medaid_province.row_intent (
	batch_id bigint NOT NULL,
	row_no integer NOT NULL,
	pid integer,
	intent text,
	PRIMARY KEY (batch_id, row_no)
);

CREATE TABLE medaid_province.person (
	pid integer PRIMARY KEY,
	id18 text NOT NULL UNIQUE,
	birth date NOT NULL,
	bad_id text,                 -- a number that never validates, sent instead of id18
	name text NOT NULL,
	minority boolean NOT NULL,
	region text NOT NULL,
	region2 text,                -- where the person moves, from batch move_batch on
	move_batch integer,
	civ_target text[] NOT NULL,  -- civil-affairs categories when they join
	civ_join integer NOT NULL,   -- the civil-affairs batch that brings them in
	rur_target text[] NOT NULL,
	rur_join integer NOT NULL,
	civ text[] NOT NULL DEFAULT '{}',       -- what civil affairs believes they hold
	rur text[] NOT NULL DEFAULT '{}',
	civ_ever text[] NOT NULL DEFAULT '{}',  -- what civil affairs ever sent them
	rur_ever text[] NOT NULL DEFAULT '{}'
);

-- rows as drafted, before row numbers are dealt out in a shuffled order
CREATE TABLE medaid_province.draft (
	seq serial PRIMARY KEY,
	batch_no integer NOT NULL,
	sortkey float8 NOT NULL,
	name text, id_number text, category text, event text, event_date date, region text,
	pid integer,
	intent text
);

CREATE FUNCTION medaid_province.pick(a text[]) RETURNS text
	LANGUAGE sql VOLATILE AS $$ SELECT a[1 + floor(random() * cardinality(a))::int] $$;

CREATE FUNCTION medaid_province.check_char(body17 text) RETURNS text
	LANGUAGE sql IMMUTABLE AS $$
	SELECT substr('10X98765432', (
		SELECT sum(substr(body17, i, 1)::int * (ARRAY[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[i])::int % 11 + 1
		FROM generate_series(1, 17) i), 1)
$$;

CREATE FUNCTION medaid_province.dept_cats(dept text) RETURNS text[]
	LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE dept WHEN 'civil_affairs' THEN ARRAY['tekun', 'dibao', 'dibao_edge', 'zhongbing']
					 ELSE ARRAY['fanpin', 'jiance'] END
$$;

CREATE FUNCTION medaid_province.label(slug text) RETURNS text
	LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE slug WHEN 'tekun' THEN '特困人员' WHEN 'dibao' THEN '低保对象'
					 WHEN 'fanpin' THEN '返贫致贫人口' WHEN 'dibao_edge' THEN '低保边缘家庭成员'
					 WHEN 'jiance' THEN '防止返贫监测帮扶对象' WHEN 'zhongbing' THEN '因病致贫重病患者' END
$$;

-- one row for person p, drafted with random but valid variations of the
-- ID, name and category, then possibly spoilt: mess 'random' spoils ~6 % of
-- rows in a random way, 'none' none, anything else names the spoiling.
CREATE FUNCTION medaid_province.emit(b integer, p medaid_province.person, cat text, ev text, d date,
									 mess text DEFAULT 'random', intent text DEFAULT NULL)
	RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	bt medaid_province.batch;
	m_first date;
	m_last date;
	v float8;
	id text;
	nm text;
	ct text;
	rg text;
	dots text[] := ARRAY['•', '・', '．', '.', '‧', '∙', '･'];
	kinds text[];
BEGIN
	SELECT * INTO bt FROM medaid_province.batch WHERE batch_no = b;
	m_first := bt.period;
	m_last := (bt.period + interval '1 month')::date - 1;

	-- the ID: as on the card, or in one of the forms it arrives in
	IF p.bad_id IS NOT NULL THEN
		id := p.bad_id;
	ELSE
		v := random();
		id := CASE
			WHEN v < 0.70 THEN p.id18
			WHEN v < 0.78 AND p.birth < date '2000-01-01' THEN left(p.id18, 6) || substr(p.id18, 9, 9)
			WHEN v < 0.82 THEN lower(p.id18)
			WHEN v < 0.88 THEN translate(p.id18, '0123456789X', '０１２３４５６７８９ｘ')
			WHEN v < 0.94 THEN left(p.id18, 6) || ' ' || substr(p.id18, 7, 8) || E'\u3000' || right(p.id18, 4)
			ELSE left(p.id18, 6) || '-' || substr(p.id18, 7, 8) || E'\uFF0D' || right(p.id18, 4)
		END;
	END IF;

	-- the name, with stray spaces or another middle dot
	v := random();
	nm := CASE
		WHEN p.minority AND v < 0.4 THEN replace(p.name, '·', medaid_province.pick(dots))
		WHEN v < 0.06 THEN left(p.name, 1) || ' ' || substr(p.name, 2)
		WHEN v < 0.09 THEN ' ' || p.name || E'\u3000'
		WHEN v < 0.11 THEN left(p.name, 1) || E'\u3000' || substr(p.name, 2)
		ELSE p.name
	END;

	-- the category as slug, Chinese name or shouted slug
	v := random();
	ct := CASE WHEN cat IS NULL THEN NULL
			   WHEN v < 0.75 THEN cat
			   WHEN v < 0.90 THEN medaid_province.label(cat)
			   ELSE ' ' || upper(cat) || ' ' END;

	rg := CASE WHEN p.move_batch IS NOT NULL AND b >= p.move_batch THEN p.region2 ELSE p.region END;

	IF mess = 'random' THEN
		mess := 'none';
		IF random() < 0.06 THEN
			kinds := ARRAY['missing_name', 'id_missing', 'id_empty', 'id_bad_character', 'id_length',
						   'id_province', 'id_birth_date', 'id_future_birth_date', 'id_check_character',
						   'missing_category', 'unknown_category', 'category_wrong_department',
						   'date_after_period', 'date_before_birth', 'missing_region', 'invalid_region',
						   'name_mismatch', 'name_mismatch', 'name_mismatch', 'name_mismatch'];
			IF bt.mode = 'delta' THEN
				kinds := kinds || ARRAY['missing_event', 'unknown_event', 'missing_date'];
			ELSE
				kinds := kinds || ARRAY['event_in_snapshot'];
			END IF;
			mess := medaid_province.pick(kinds);
		END IF;
	END IF;

	CASE mess
	WHEN 'none' THEN NULL;
	WHEN 'missing_name' THEN nm := medaid_province.pick(ARRAY[NULL, '', '  ', E'\u3000']);
	WHEN 'id_missing' THEN id := NULL;
	WHEN 'id_empty' THEN id := medaid_province.pick(ARRAY['', ' - ', E'\u3000']);
	WHEN 'id_bad_character' THEN id := overlay(p.id18 placing medaid_province.pick(ARRAY['A', 'O', 'l', '*']) from 8 for 1);
	WHEN 'id_length' THEN id := medaid_province.pick(ARRAY[left(p.id18, 17), p.id18 || '1', left(p.id18, 16)]);
	WHEN 'id_province' THEN id := '99' || substr(p.id18, 3);
	WHEN 'id_birth_date' THEN id := overlay(p.id18 placing '13' from 11 for 2);
	WHEN 'id_future_birth_date' THEN id := overlay(p.id18 placing '2088' from 7 for 4);
	WHEN 'id_check_character' THEN
		id := left(p.id18, 17) || medaid_province.pick(string_to_array(replace('0123456789X', right(p.id18, 1), ''), NULL));
	WHEN 'missing_category' THEN ct := medaid_province.pick(ARRAY[NULL, '', '  ']);
	WHEN 'unknown_category' THEN ct := medaid_province.pick(ARRAY['xx', '低保户', 'poor', '特困', 'ordinary']);
	WHEN 'category_wrong_department' THEN
		ct := medaid_province.pick(medaid_province.dept_cats(CASE bt.dept WHEN 'rural' THEN 'civil_affairs' ELSE 'rural' END));
	WHEN 'missing_event' THEN ev := medaid_province.pick(ARRAY[NULL, '']);
	WHEN 'unknown_event' THEN ev := medaid_province.pick(ARRAY['remove', 'delete', 'update', 'hop']);
	WHEN 'event_in_snapshot' THEN ev := medaid_province.pick(ARRAY['exit', 'change', 'remove']);
	WHEN 'missing_date' THEN d := NULL;
	WHEN 'date_after_period' THEN d := m_last + 1 + floor(random() * 40)::int;
	WHEN 'date_before_birth' THEN d := p.birth - 1 - floor(random() * 2000)::int;
	WHEN 'missing_region' THEN rg := medaid_province.pick(ARRAY[NULL, '']);
	WHEN 'invalid_region' THEN rg := medaid_province.pick(ARRAY['3701', '37010A', '3701020', '37 0102']);
	WHEN 'name_mismatch' THEN
		nm := left(p.name, -1) || CASE WHEN right(p.name, 1) = '明' THEN '华' ELSE '明' END;
	END CASE;

	INSERT INTO medaid_province.draft (batch_no, sortkey, name, id_number, category, event, event_date, region, pid, intent)
	VALUES (b, random(), nm, id, ct, ev, d, rg, p.pid, coalesce(intent, ev) || CASE WHEN mess <> 'none' THEN '/' || mess ELSE '' END);
END
$$;

-- a day of the batch's month, or (late) of the months before it
CREATE FUNCTION medaid_province.day_in(b integer, late_share float8 DEFAULT 0) RETURNS date
	LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	m_first date := (SELECT period FROM medaid_province.batch WHERE batch_no = b);
	n integer := ((m_first + interval '1 month')::date - m_first);
BEGIN
	IF random() < late_share THEN
		RETURN m_first - 1 - floor(random() * 120)::int;
	END IF;
	RETURN m_first + floor(random() * n)::int;
END
$$;

CREATE FUNCTION medaid_province.gen_delta(b integer) RETURNS void
	LANGUAGE plpgsql AS $$
DECLARE
	bt medaid_province.batch;
	p medaid_province.person;
	civil boolean;
	cats text[];
	plan text[];
	ever text[];
	target text[];
	c text;
	c2 text;
	d date;
	d2 date;
	r float8;
BEGIN
	SELECT * INTO bt FROM medaid_province.batch WHERE batch_no = b;
	civil := bt.dept = 'civil_affairs';
	cats := medaid_province.dept_cats(bt.dept);
	FOR p IN SELECT * FROM medaid_province.person ORDER BY pid LOOP
		plan := CASE WHEN civil THEN p.civ ELSE p.rur END;
		ever := CASE WHEN civil THEN p.civ_ever ELSE p.rur_ever END;
		target := CASE WHEN civil THEN p.civ_target ELSE p.rur_target END;
		IF (CASE WHEN civil THEN p.civ_join ELSE p.rur_join END) = b AND cardinality(target) > 0 THEN
			-- joins: one add per category, some dated months back
			FOREACH c IN ARRAY target LOOP
				d := medaid_province.day_in(b, 0.2);
				PERFORM medaid_province.emit(b, p, c, 'add', d, intent => 'join');
				r := random();
				IF r < 0.03 THEN
					-- sent again with another date: already active, or an earlier start
					PERFORM medaid_province.emit(b, p, c, 'add', medaid_province.day_in(b, 0.3), intent => 'add_again');
				ELSIF r < 0.04 THEN
					-- exit dated before the add: never held at that point
					PERFORM medaid_province.emit(b, p, c, 'exit', d - 1 - floor(random() * 10)::int, intent => 'exit_before_add');
				ELSIF r < 0.06 THEN
					-- the same add with a spoilt region too (before or after the good one)
					PERFORM medaid_province.emit(b, p, c, 'add', d,
						medaid_province.pick(ARRAY['missing_region', 'invalid_region']), 'add_spoilt_copy');
				END IF;
			END LOOP;
			plan := target;
			ever := ever || target;
		ELSIF cardinality(plan) > 0 THEN
			r := random();
			c := medaid_province.pick(plan);
			IF r < 0.06 THEN
				-- exit, now or late
				PERFORM medaid_province.emit(b, p, c, 'exit', medaid_province.day_in(b, 0.15), intent => 'exit');
				plan := array_remove(plan, c);
			ELSIF r < 0.11 THEN
				-- change to another category of the department
				c2 := medaid_province.pick(cats);
				PERFORM medaid_province.emit(b, p, c2, 'change', medaid_province.day_in(b, 0.15), intent => 'change');
				plan := ARRAY[c2];
				ever := ever || c2;
			ELSIF r < 0.13 THEN
				-- an add of what is held
				PERFORM medaid_province.emit(b, p, c, 'add', medaid_province.day_in(b), intent => 'add_held');
			ELSIF r < 0.15 THEN
				-- an add of what is held, dated long before: starts earlier, clipped
				PERFORM medaid_province.emit(b, p, c, 'add', bt.period - 60 - floor(random() * 120)::int, intent => 'backdated_add');
			ELSIF r < 0.16 THEN
				-- a change to what is held
				PERFORM medaid_province.emit(b, p, plan[1], 'change', medaid_province.day_in(b), intent => 'change_to_held');
				plan := plan[1:1];
			ELSIF r < 0.175 THEN
				-- exit and come back within the month (rows in either file order)
				d := bt.period + floor(random() * 12)::int;
				PERFORM medaid_province.emit(b, p, c, 'exit', d, intent => 'exit_then_back');
				PERFORM medaid_province.emit(b, p, c, 'add', d + 1 + floor(random() * 14)::int, intent => 'back');
			ELSIF r < 0.19 THEN
				-- a short stint in another category
				c2 := medaid_province.pick(cats);
				d := bt.period + floor(random() * 12)::int;
				PERFORM medaid_province.emit(b, p, c2, 'add', d, intent => 'stint');
				PERFORM medaid_province.emit(b, p, c2, 'exit', d + floor(random() * 14)::int, intent => 'stint_end');
				ever := ever || c2;
			ELSIF r < 0.20 THEN
				-- added and ended on the same day
				c2 := medaid_province.pick(cats);
				d := medaid_province.day_in(b);
				PERFORM medaid_province.emit(b, p, c2, 'add', d, intent => 'same_day');
				PERFORM medaid_province.emit(b, p, c2, 'exit', d, intent => 'same_day_end');
				ever := ever || c2;
			ELSIF r < 0.215 THEN
				-- an exit of a category never sent
				c2 := medaid_province.pick(cats);
				PERFORM medaid_province.emit(b, p, c2, 'exit', medaid_province.day_in(b), intent => 'exit_unsent');
			ELSIF r < 0.225 THEN
				-- a change dated before everything held: starts early, clipped
				c2 := medaid_province.pick(cats);
				PERFORM medaid_province.emit(b, p, c2, 'change', bt.period - 90 - floor(random() * 60)::int, intent => 'backdated_change');
				ever := ever || c2;
			ELSIF r < 0.235 THEN
				-- an exit dated before the category started
				PERFORM medaid_province.emit(b, p, c, 'exit', bt.period - 150 - floor(random() * 30)::int, intent => 'exit_before_start');
			ELSIF r < 0.25 THEN
				-- a new category added and ended the same day, the exit sent
				-- twice: in a third of the file orders one exit comes before
				-- the add (never held then) and one after it
				c2 := medaid_province.pick(cats);
				IF NOT c2 = ANY (ever) THEN
					d := medaid_province.day_in(b);
					PERFORM medaid_province.emit(b, p, c2, 'exit', d, 'none', 'exit_twice_around_add');
					PERFORM medaid_province.emit(b, p, c2, 'add', d, 'none', 'add_between_exits');
					PERFORM medaid_province.emit(b, p, c2, 'exit', d, 'none', 'exit_twice_around_add');
					ever := ever || c2;
				END IF;
			END IF;
		ELSIF cardinality(ever) > 0 THEN
			r := random();
			IF r < 0.15 THEN
				-- exited before, exited again
				PERFORM medaid_province.emit(b, p, medaid_province.pick(ever), 'exit', medaid_province.day_in(b), intent => 'exit_again');
			ELSIF r < 0.25 THEN
				-- comes back
				c := medaid_province.pick(ever);
				PERFORM medaid_province.emit(b, p, c, 'add', medaid_province.day_in(b, 0.3), intent => 'return');
				plan := ARRAY[c];
			END IF;
		ELSIF random() < 0.01 THEN
			-- someone the department never sent: an exit
			PERFORM medaid_province.emit(b, p, medaid_province.pick(cats), 'exit', medaid_province.day_in(b), intent => 'exit_stranger');
		END IF;
		IF civil THEN
			UPDATE medaid_province.person SET civ = plan, civ_ever = ever WHERE pid = p.pid;
		ELSE
			UPDATE medaid_province.person SET rur = plan, rur_ever = ever WHERE pid = p.pid;
		END IF;
	END LOOP;
END
$$;

CREATE FUNCTION medaid_province.snapshot_row(b integer, p medaid_province.person, c text,
											 mess text DEFAULT 'random', intent text DEFAULT NULL)
	RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	r float8 := random();
BEGIN
	-- mostly no date (the month's first day), some a day of the month;
	-- the event empty, '' or 'add'
	PERFORM medaid_province.emit(b, p, c,
		CASE WHEN r < 0.8 THEN NULL WHEN r < 0.9 THEN '' ELSE 'add' END,
		CASE WHEN random() < 0.25 THEN medaid_province.day_in(b) END,
		mess, intent);
END
$$;

CREATE FUNCTION medaid_province.gen_snapshot(b integer) RETURNS void
	LANGUAGE plpgsql AS $$
DECLARE
	bt medaid_province.batch;
	p medaid_province.person;
	civil boolean;
	cats text[];
	plan text[];
	ever text[];
	target text[];
	c text;
	c2 text;
	r float8;
BEGIN
	SELECT * INTO bt FROM medaid_province.batch WHERE batch_no = b;
	civil := bt.dept = 'civil_affairs';
	cats := medaid_province.dept_cats(bt.dept);
	FOR p IN SELECT * FROM medaid_province.person ORDER BY pid LOOP
		plan := CASE WHEN civil THEN p.civ ELSE p.rur END;
		ever := CASE WHEN civil THEN p.civ_ever ELSE p.rur_ever END;
		target := CASE WHEN civil THEN p.civ_target ELSE p.rur_target END;
		IF (CASE WHEN civil THEN p.civ_join ELSE p.rur_join END) = b AND cardinality(target) > 0 THEN
			FOREACH c IN ARRAY target LOOP
				PERFORM medaid_province.snapshot_row(b, p, c, intent => 'join');
			END LOOP;
			plan := target;
			ever := ever || target;
		ELSIF cardinality(plan) > 0 THEN
			r := random();
			IF r < 0.05 THEN
				-- omitted: one of several, or altogether
				IF cardinality(plan) > 1 AND random() < 0.5 THEN
					c := medaid_province.pick(plan);
					plan := array_remove(plan, c);
				ELSE
					plan := '{}';
				END IF;
				FOREACH c IN ARRAY plan LOOP
					PERFORM medaid_province.snapshot_row(b, p, c, intent => 'confirm');
				END LOOP;
			ELSIF r < 0.065 THEN
				-- every row of the person spoilt: they keep what they hold
				FOREACH c IN ARRAY plan LOOP
					PERFORM medaid_province.snapshot_row(b, p, c,
						mess => medaid_province.pick(ARRAY['missing_region', 'invalid_region', 'name_mismatch',
														   'date_after_period', 'event_in_snapshot',
														   'category_wrong_department', 'unknown_category',
														   'missing_category', 'date_before_birth']),
						intent => 'all_anomalies');
				END LOOP;
			ELSIF r < 0.07 THEN
				-- every row with a broken ID: the person is not in the snapshot
				FOREACH c IN ARRAY plan LOOP
					PERFORM medaid_province.snapshot_row(b, p, c,
						mess => medaid_province.pick(ARRAY['id_check_character', 'id_length', 'id_missing']),
						intent => 'all_bad_id');
				END LOOP;
				plan := '{}';
			ELSIF r < 0.09 THEN
				-- moved to another category of the department
				c := medaid_province.pick(plan);
				c2 := medaid_province.pick(cats);
				plan := array_remove(plan, c) || c2;
				FOREACH c IN ARRAY plan LOOP
					PERFORM medaid_province.snapshot_row(b, p, c, intent => 'swap');
				END LOOP;
				ever := ever || c2;
			ELSIF r < 0.10 THEN
				-- one more category
				c2 := medaid_province.pick(cats);
				plan := plan || c2;
				FOREACH c IN ARRAY plan LOOP
					PERFORM medaid_province.snapshot_row(b, p, c, intent => 'more');
				END LOOP;
				ever := ever || c2;
			ELSIF r < 0.115 THEN
				-- what is held sent with a spoilt row, beside a new category:
				-- the held one is not confirmed, the person has a good row
				c2 := medaid_province.pick(cats);
				IF NOT c2 = ANY (plan) THEN
					FOREACH c IN ARRAY plan LOOP
						PERFORM medaid_province.snapshot_row(b, p, c,
							mess => medaid_province.pick(ARRAY['name_mismatch', 'missing_region', 'invalid_region',
															   'date_after_period', 'event_in_snapshot']),
							intent => 'spoilt_beside_new');
					END LOOP;
					PERFORM medaid_province.snapshot_row(b, p, c2, 'none', 'new_beside_spoilt');
					plan := plan || c2;
					ever := ever || c2;
				ELSE
					FOREACH c IN ARRAY plan LOOP
						PERFORM medaid_province.snapshot_row(b, p, c, intent => 'confirm');
					END LOOP;
				END IF;
			ELSE
				FOREACH c IN ARRAY plan LOOP
					PERFORM medaid_province.snapshot_row(b, p, c, intent => 'confirm');
					IF random() < 0.02 THEN
						-- the same category twice, written differently
						PERFORM medaid_province.snapshot_row(b, p, c, intent => 'twice');
					END IF;
				END LOOP;
			END IF;
		ELSIF cardinality(ever) > 0 AND random() < 0.15 THEN
			-- back on the roster
			c := medaid_province.pick(ever);
			PERFORM medaid_province.snapshot_row(b, p, c, intent => 'return');
			plan := ARRAY[c];
		END IF;
		IF civil THEN
			UPDATE medaid_province.person SET civ = plan, civ_ever = ever WHERE pid = p.pid;
		ELSE
			UPDATE medaid_province.person SET rur = plan, rur_ever = ever WHERE pid = p.pid;
		END IF;
	END LOOP;
END
$$;

CREATE FUNCTION medaid_province.generate(people integer DEFAULT 3000, seed float8 DEFAULT 0.2026)
	RETURNS TABLE (batches bigint, persons bigint, staged_rows bigint)
	LANGUAGE plpgsql AS $$
DECLARE
	counties text[] := ARRAY['370102', '370103', '370104', '370105', '370112', '370113', '370114',
		'370124', '370126', '370181', '370202', '370211', '370281', '370283', '370302', '370303',
		'370321', '370402', '370481', '370502', '370522', '370602', '370681', '370686', '370702',
		'370724', '370781', '370811', '370826', '370881', '370902', '370982', '371002', '371082',
		'371102', '371121', '371302', '371321', '371329', '371402', '371428', '371502', '371526',
		'371602', '371625', '371702', '371728'];
	surnames text[] := string_to_array('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤', NULL);
	given text[] := string_to_array('伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红鹏飞建国志海燕春梅兵文德福荣凤琴云', NULL);
	m1 text[] := ARRAY['阿依古丽', '买买提', '艾力', '古丽娜', '热依拉', '阿不都', '努尔', '帕提古丽'];
	m2 text[] := ARRAY['买买提', '吐尔逊', '艾则孜', '依明', '沙吾提', '阿布拉', '玉素甫'];
	county text;
	birth date;
	body text;
	id text;
	nm text;
	minority boolean;
	civ text[];
	rur text[];
	r float8;
	bad text;
	b record;
BEGIN
	PERFORM setseed(seed);
	FOR i IN 1 .. people LOOP
		LOOP
			county := medaid_province.pick(counties);
			birth := date '1932-01-01' + floor(random() * 27000)::int;
			body := county || to_char(birth, 'YYYYMMDD') || lpad(floor(random() * 1000)::int::text, 3, '0');
			id := body || medaid_province.check_char(body);
			EXIT WHEN NOT EXISTS (SELECT FROM medaid_province.person x WHERE x.id18 = id);
		END LOOP;
		minority := random() < 0.05;
		nm := CASE WHEN minority THEN medaid_province.pick(m1) || '·' || medaid_province.pick(m2)
				   ELSE medaid_province.pick(surnames) || medaid_province.pick(given)
						|| CASE WHEN random() < 0.7 THEN medaid_province.pick(given) ELSE '' END END;
		r := random();
		civ := CASE WHEN r < 0.22 THEN '{}' WHEN r < 0.32 THEN '{tekun}' WHEN r < 0.62 THEN '{dibao}'
					WHEN r < 0.82 THEN '{dibao_edge}' ELSE '{zhongbing}' END;
		IF cardinality(civ) = 1 AND civ[1] <> 'zhongbing' AND random() < 0.08 THEN
			civ := civ || 'zhongbing'::text;
		END IF;
		r := random();
		rur := CASE WHEN r < 0.62 THEN '{}' WHEN r < 0.78 THEN '{fanpin}' ELSE '{jiance}' END;
		r := random();
		bad := CASE WHEN r < 0.02 THEN left(id, 17) || CASE WHEN right(id, 1) = '7' THEN '8' ELSE '7' END
					WHEN r < 0.025 THEN left(id, 16)
					WHEN r < 0.03 THEN overlay(id placing '02' from 11 for 2) || '' END;
		IF bad IS NOT NULL AND medaid.cnid_try(bad) IS NOT NULL THEN
			bad := NULL;  -- a February date that happens to exist
		END IF;
		INSERT INTO medaid_province.person (pid, id18, birth, bad_id, name, minority, region, region2, move_batch,
											civ_target, civ_join, rur_target, rur_join)
		VALUES (i, id, birth, bad, nm, minority,
				CASE WHEN random() < 0.85 THEN county ELSE medaid_province.pick(counties) END,
				medaid_province.pick(counties),
				CASE WHEN random() < 0.05 THEN 3 + floor(random() * 9)::int END,
				civ,
				(ARRAY[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 5, 5, 7, 9, 10])[1 + floor(random() * 22)::int],
				rur,
				(ARRAY[2, 2, 2, 2, 2, 2, 2, 2, 2, 4, 4, 4, 6, 6, 8, 11])[1 + floor(random() * 16)::int]);
	END LOOP;

	FOR b IN SELECT * FROM medaid_province.batch ORDER BY batch_no LOOP
		IF b.mode = 'delta' THEN
			PERFORM medaid_province.gen_delta(b.batch_no);
		ELSE
			PERFORM medaid_province.gen_snapshot(b.batch_no);
		END IF;
		-- some rows sent twice, word for word
		INSERT INTO medaid_province.draft (batch_no, sortkey, name, id_number, category, event, event_date, region, pid, intent)
		SELECT x.batch_no, random(), x.name, x.id_number, x.category, x.event, x.event_date, x.region, x.pid,
			   x.intent || '/copy'
		FROM (SELECT * FROM medaid_province.draft WHERE batch_no = b.batch_no ORDER BY seq) x
		WHERE random() < 0.02;
		-- row numbers in a shuffled order, with gaps
		WITH numbered AS (
			SELECT x.*, 10 + 3 * row_number() OVER (ORDER BY x.sortkey, x.seq) AS row_no
			FROM medaid_province.draft x WHERE x.batch_no = b.batch_no
		), staged AS (
			INSERT INTO medaid_province.roster_staging (batch_id, row_no, name, id_number, category, event, event_date, region)
			SELECT n.batch_no, n.row_no, n.name, n.id_number, n.category, n.event, n.event_date, n.region
			FROM numbered n
		)
		INSERT INTO medaid_province.row_intent
		SELECT n.batch_no, n.row_no, n.pid, n.intent FROM numbered n;
	END LOOP;

	RETURN QUERY SELECT (SELECT count(*) FROM medaid_province.batch),
						(SELECT count(*) FROM medaid_province.person),
						(SELECT count(*) FROM medaid_province.roster_staging);
END
$$;
