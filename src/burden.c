/*
 * burden.c
 *		annual_burden(settle_date, burden, threshold): a person's net
 *		personal burden over a set of settlements, and the first day on
 *		which the running total exceeded the threshold.
 *
 * The state keeps one entry per settlement day with the net amount of that
 * day in integer fen, so the result does not depend on input order: the
 * final function sorts the days and runs the total.  The state is internal,
 * with combine, serialize and deserialize functions, so the aggregate runs
 * in parallel workers; the final function leaves the state usable, so it is
 * safe in window frames.
 */
#include "burden.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "common/int.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#define BURDEN_SERIAL_VERSION 1	/* day, settlements, fen per day */

/*
 * The state and its first days are one allocation: a group of a few
 * settlement days (a person's year) then touches one or two cache lines,
 * which is what a hash aggregate over a million people is bound by.
 */
#define BURDEN_INLINE_DAYS 8

BurdenState *
burden_state_new(MemoryContext cxt)
{
	BurdenState *st = MemoryContextAllocZero(cxt, sizeof(BurdenState) +
											 sizeof(BurdenDay) * BURDEN_INLINE_DAYS);

	st->maxdays = BURDEN_INLINE_DAYS;
	st->days = (BurdenDay *) (st + 1);
	st->sorted = true;
	return st;
}

static void
burden_day_count_overflow(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("too many settlements on one day"),
			 errdetail("A day holds at most %d settlements.", PG_INT32_MAX)));
}

void
burden_add_day(BurdenState *st, int32 day, int64 fen, int32 n)
{
	if (st->ndays > st->head)
	{
		BurdenDay  *last = &st->days[st->ndays - 1];

		if (last->day == day)
		{
			last->fen = medaid_fen_add(last->fen, fen);
			if (unlikely(pg_add_s32_overflow(last->n, n, &last->n)))
				burden_day_count_overflow();
			return;
		}
		if (last->day > day)
			st->sorted = false;
	}
	if (st->ndays == st->maxdays)
	{
		BurdenDay  *inline_days = (BurdenDay *) (st + 1);

		if (st->maxdays >= (int32) (MaxAllocSize / sizeof(BurdenDay) / 2))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("annual_burden cannot hold more than %d settlement days in one group",
							st->maxdays)));
		if (st->days == inline_days)
		{
			st->days = MemoryContextAlloc(GetMemoryChunkContext(st),
										  sizeof(BurdenDay) * st->maxdays * 2);
			memcpy(st->days, inline_days, sizeof(BurdenDay) * st->ndays);
		}
		else
			st->days = repalloc(st->days, sizeof(BurdenDay) * st->maxdays * 2);
		st->maxdays *= 2;
	}
	st->days[st->ndays].day = day;
	st->days[st->ndays].fen = fen;
	st->days[st->ndays].n = n;
	st->ndays++;
}

static void
burden_set_threshold(BurdenState *st, bool has, int64 fen)
{
	if (!has)
		return;
	if (st->has_threshold && st->threshold_fen != fen)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("annual_burden got two thresholds in one group"),
				 errdetail("The threshold is a person's for a year: %s and %s were given.",
						   DatumGetCString(DirectFunctionCall1(numeric_out, medaid_fen_to_numeric(st->threshold_fen))),
						   DatumGetCString(DirectFunctionCall1(numeric_out, medaid_fen_to_numeric(fen)))),
				 errhint("Group by person and year, or pass the same threshold on every row.")));
	st->has_threshold = true;
	st->threshold_fen = fen;
}

static int
burden_day_cmp(const void *a, const void *b)
{
	int32		x = ((const BurdenDay *) a)->day;
	int32		y = ((const BurdenDay *) b)->day;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/* Sort and merge the days in place; the content (the multiset) is kept. */
void
burden_normalise(BurdenState *st)
{
	int32		out = 0;

	if (st->sorted)
		return;
	qsort(st->days + st->head, st->ndays - st->head, sizeof(BurdenDay), burden_day_cmp);
	for (int32 i = st->head; i < st->ndays; i++)
	{
		if (out > 0 && st->days[out - 1].day == st->days[i].day)
		{
			st->days[out - 1].fen = medaid_fen_add(st->days[out - 1].fen, st->days[i].fen);
			if (unlikely(pg_add_s32_overflow(st->days[out - 1].n, st->days[i].n, &st->days[out - 1].n)))
				burden_day_count_overflow();
		}
		else
			st->days[out++] = st->days[i];
	}
	st->head = 0;
	st->ndays = out;
	st->sorted = true;
}

/* a few bytes compared in line: a call to memcmp costs more */
static inline bool
burden_bytes_equal(const char *a, const char *b, int len)
{
	for (int i = 0; i < len; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

PG_FUNCTION_INFO_V1(annual_burden_step);
/* Transition: (state, settle_date, burden, threshold). */
Datum
annual_burden_step(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	BurdenState *st;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "annual_burden_step called in non-aggregate context");
	st = PG_ARGISNULL(0) ? burden_state_new(aggcxt) : (BurdenState *) PG_GETARG_POINTER(0);

	if (!PG_ARGISNULL(3))
	{
		/*
		 * The threshold is one value per group, usually on every row: when
		 * its stored bytes are those already seen, it is not converted again.
		 */
		const char *body;
		int			len;
		bool		raw = medaid_numeric_body(PG_GETARG_DATUM(3), &body, &len);

		if (!(raw && st->has_threshold && len == st->threshold_len &&
			  burden_bytes_equal(body, st->threshold_body, len)))
		{
			burden_set_threshold(st, true, medaid_numeric_datum_to_fen(PG_GETARG_DATUM(3), "threshold", true));
			if (raw && len <= (int) sizeof(st->threshold_body))
			{
				memcpy(st->threshold_body, body, len);
				st->threshold_len = len;
			}
		}
	}
	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
	{
		DateADT		d = PG_GETARG_DATEADT(1);
		int64		fen = medaid_numeric_datum_to_fen(PG_GETARG_DATUM(2), "burden", false);
		MemoryContext old;

		if (DATE_NOT_FINITE(d))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("settle_date must be a finite date")));
		old = MemoryContextSwitchTo(aggcxt);
		burden_add_day(st, d, fen, 1);
		MemoryContextSwitchTo(old);
		st->settlements++;
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(annual_burden_inverse);
/*
 * Moving-aggregate inverse: a row leaves the window frame.  Rows leave in
 * the order the frame is sorted (by date), so the day is almost always the
 * first one left; NULL asks PostgreSQL to recompute the frame instead.
 */
Datum
annual_burden_inverse(PG_FUNCTION_ARGS)
{
	BurdenState *st;
	DateADT		d;
	int64		fen;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "annual_burden_inverse called in non-aggregate context");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (BurdenState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);	/* the row was never counted */
	d = PG_GETARG_DATEADT(1);
	fen = medaid_numeric_datum_to_fen(PG_GETARG_DATUM(2), "burden", false);
	for (int32 i = st->head; i < st->ndays; i++)
	{
		if (st->days[i].day != d || st->days[i].n <= 0)
			continue;
		st->days[i].fen = medaid_fen_add(st->days[i].fen, -fen);
		st->days[i].n--;
		st->settlements--;
		while (st->head < st->ndays && st->days[st->head].n == 0)
			st->head++;
		PG_RETURN_POINTER(st);
	}
	PG_RETURN_NULL();
}

PG_FUNCTION_INFO_V1(annual_burden_combine);
/* Combine two partial states (either may be NULL). */
Datum
annual_burden_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	BurdenState *a;
	BurdenState *b;
	MemoryContext old;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "annual_burden_combine called in non-aggregate context");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	b = (BurdenState *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
		a = burden_state_new(aggcxt);
	else
		a = (BurdenState *) PG_GETARG_POINTER(0);

	burden_set_threshold(a, b->has_threshold, b->threshold_fen);
	old = MemoryContextSwitchTo(aggcxt);
	for (int32 i = b->head; i < b->ndays; i++)
		burden_add_day(a, b->days[i].day, b->days[i].fen, b->days[i].n);
	MemoryContextSwitchTo(old);
	a->settlements += b->settlements;
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(annual_burden_serialize);
/* Serialize: version, settlements, threshold, days. */
Datum
annual_burden_serialize(PG_FUNCTION_ARGS)
{
	BurdenState *st;
	StringInfoData buf;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "annual_burden_serialize called in non-aggregate context");
	st = (BurdenState *) PG_GETARG_POINTER(0);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, BURDEN_SERIAL_VERSION);
	pq_sendint64(&buf, st->settlements);
	pq_sendbyte(&buf, st->has_threshold ? 1 : 0);
	pq_sendint64(&buf, st->threshold_fen);
	pq_sendint32(&buf, st->ndays - st->head);
	for (int32 i = st->head; i < st->ndays; i++)
	{
		pq_sendint32(&buf, st->days[i].day);
		pq_sendint32(&buf, st->days[i].n);
		pq_sendint64(&buf, st->days[i].fen);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(annual_burden_deserialize);
/* Deserialize, checking the version and every size before trusting it. */
Datum
annual_burden_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	bytea	   *b;
	StringInfoData buf;
	BurdenState *st;
	int			version;
	int32		ndays;
	MemoryContext old;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "annual_burden_deserialize called in non-aggregate context");
	b = PG_GETARG_BYTEA_PP(0);
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;

	if (buf.len < 1 + 8 + 1 + 8 + 4)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("annual_burden state is too short (%d bytes)", buf.len)));
	version = pq_getmsgbyte(&buf);
	if (version != BURDEN_SERIAL_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported annual_burden state version %d", version)));
	st = burden_state_new(aggcxt);
	st->settlements = pq_getmsgint64(&buf);
	st->has_threshold = pq_getmsgbyte(&buf) != 0;
	st->threshold_fen = pq_getmsgint64(&buf);
	ndays = pq_getmsgint(&buf, 4);
	if (ndays < 0 || st->settlements < 0 ||
		(int64) buf.len - buf.cursor != (int64) ndays * 16)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("annual_burden state is corrupt: %d days in %d bytes", ndays, buf.len - buf.cursor)));
	old = MemoryContextSwitchTo(aggcxt);
	for (int32 i = 0; i < ndays; i++)
	{
		int32		day = pq_getmsgint(&buf, 4);
		int32		n = pq_getmsgint(&buf, 4);
		int64		fen = pq_getmsgint64(&buf);

		if (n < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("annual_burden state is corrupt: a day with %d settlements", n)));
		burden_add_day(st, day, fen, n);
	}
	MemoryContextSwitchTo(old);
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(annual_burden_final);
/* Final: (total, first_crossed_on, settlements); the state stays usable. */
Datum
annual_burden_final(PG_FUNCTION_ARGS)
{
	BurdenState *st;
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, true, false};
	int64		running = 0;
	int64		total = 0;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "annual_burden_final called in non-aggregate context");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (BurdenState *) PG_GETARG_POINTER(0);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "annual_burden_final must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);

	burden_normalise(st);
	for (int32 i = st->head; i < st->ndays; i++)
	{
		running = medaid_fen_add(running, st->days[i].fen);
		if (nulls[1] && st->has_threshold && running > st->threshold_fen)
		{
			nulls[1] = false;
			values[1] = DateADTGetDatum(st->days[i].day);
		}
	}
	total = running;
	values[0] = medaid_fen_to_numeric(total);
	values[2] = Int64GetDatum(st->settlements);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
