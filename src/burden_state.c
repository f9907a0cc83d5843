/*
 * burden_state.c
 *		The stored burden state: what a person's settlements of a year add up
 *		to, kept in medaid.burden_year so that a monthly warning run reads
 *		one row per person instead of the year's settlements.
 *
 * A state is a bytea holding
 *		- the settlements counted,
 *		- per settlement day: the settlements of the day and their net
 *		  burden in fen (ascending, distinct days), which give the total and
 *		  the first day the running total exceeded a threshold up to any day;
 *		- per calendar month: the latest settlement of the month (by date,
 *		  then settlement_id in byte order) with its region, which gives the
 *		  region of the latest settlement up to the end of any month.
 *
 * burden_state(settle_date, burden, settlement_id, region) builds one from
 * settlements (order does not matter; combinable, parallel safe),
 * burden_state_merge adds two, and burden_state_result / burden_state_region
 * read one.  Every reader checks the version, the sizes and the order of
 * what it reads before trusting it.
 */
#include "burden.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#define BURDEN_YEAR_VERSION 1

typedef struct BurdenLatest
{
	int32		month;			/* year * 12 + month - 1 */
	int32		day;			/* DateADT of the month's latest settlement */
	int32		idlen;
	int32		regionlen;
	char	   *id;				/* its settlement_id (not terminated) */
	char	   *region;			/* its region (not terminated) */
} BurdenLatest;

typedef struct BurdenYearState
{
	BurdenState *days;
	int32		nlatest;
	int32		maxlatest;
	int32		last;			/* the entry touched last: rows come by month */
	BurdenLatest *latest;
} BurdenYearState;

static BurdenYearState *
burden_year_new(MemoryContext cxt)
{
	BurdenYearState *st = MemoryContextAllocZero(cxt, sizeof(BurdenYearState));

	st->days = burden_state_new(cxt);
	st->maxlatest = 4;
	st->latest = MemoryContextAlloc(cxt, sizeof(BurdenLatest) * st->maxlatest);
	return st;
}

static int32
day_month(DateADT day)
{
	int			y,
				m,
				d;

	j2date(day + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	return y * 12 + m - 1;
}

/* (day, id) order: the later settlement compares greater */
static int
latest_cmp(int32 day_a, const char *id_a, int32 len_a,
		   int32 day_b, const char *id_b, int32 len_b)
{
	int			c;

	if (day_a != day_b)
		return day_a < day_b ? -1 : 1;
	c = memcmp(id_a, id_b, Min(len_a, len_b));
	if (c != 0)
		return c;
	return len_a < len_b ? -1 : (len_a > len_b ? 1 : 0);
}

/* A new month's entry at the end of st's months (grown as needed). */
static BurdenLatest *
latest_new_month(BurdenYearState *st, int32 month)
{
	BurdenLatest *e;

	if (st->nlatest == st->maxlatest)
	{
		if (st->maxlatest >= (int32) (MaxAllocSize / sizeof(BurdenLatest) / 2))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("burden_state cannot hold more than %d months", st->maxlatest)));
		st->maxlatest *= 2;
		st->latest = repalloc(st->latest, sizeof(BurdenLatest) * st->maxlatest);
	}
	st->last = st->nlatest++;
	e = &st->latest[st->last];
	e->month = month;
	return e;
}

/* Make (day, id, region) the month's latest settlement. */
static void
latest_set(BurdenLatest *e, MemoryContext cxt, int32 day,
		   const char *id, int32 idlen, const char *region, int32 regionlen)
{
	e->day = day;
	e->idlen = idlen;
	e->regionlen = regionlen;
	e->id = MemoryContextAlloc(cxt, Max(idlen, 1));
	memcpy(e->id, id, idlen);
	e->region = MemoryContextAlloc(cxt, Max(regionlen, 1));
	memcpy(e->region, region, regionlen);
}

/* Keep (day, id, region) as its month's latest if it is later. */
static void
burden_year_add_latest(BurdenYearState *st, MemoryContext cxt, int32 day,
					   const char *id, int32 idlen, const char *region, int32 regionlen)
{
	int32		month = day_month(day);
	BurdenLatest *e = NULL;

	if (st->nlatest > 0 && st->latest[st->last].month == month)
		e = &st->latest[st->last];
	else
	{
		for (int32 i = 0; i < st->nlatest; i++)
		{
			if (st->latest[i].month == month)
			{
				e = &st->latest[i];
				st->last = i;
				break;
			}
		}
	}
	if (e != NULL)
	{
		if (latest_cmp(day, id, idlen, e->day, e->id, e->idlen) <= 0)
			return;
		pfree(e->id);
		pfree(e->region);
	}
	else
		e = latest_new_month(st, month);
	latest_set(e, cxt, day, id, idlen, region, regionlen);
}

/*
 * Append a month known to be later than every month held (a stored state's
 * months, checked in order by burden_year_view): no search.
 */
static void
burden_year_append_latest(BurdenYearState *st, MemoryContext cxt, int32 day,
						  const char *id, int32 idlen, const char *region, int32 regionlen)
{
	latest_set(latest_new_month(st, day_month(day)), cxt, day, id, idlen, region, regionlen);
}

static void
burden_year_combine_into(BurdenYearState *a, const BurdenYearState *b, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);

	for (int32 i = b->days->head; i < b->days->ndays; i++)
		burden_add_day(a->days, b->days->days[i].day, b->days->days[i].fen, b->days->days[i].n);
	MemoryContextSwitchTo(old);
	a->days->settlements += b->days->settlements;
	for (int32 i = 0; i < b->nlatest; i++)
	{
		/* a search per month: many months (only a made-up state has them) take a while */
		if ((i & 0x3FF) == 0)
			CHECK_FOR_INTERRUPTS();
		burden_year_add_latest(a, cxt, b->latest[i].day, b->latest[i].id, b->latest[i].idlen,
							   b->latest[i].region, b->latest[i].regionlen);
	}
}

static int
latest_month_cmp(const void *a, const void *b)
{
	int32		x = ((const BurdenLatest *) a)->month;
	int32		y = ((const BurdenLatest *) b)->month;

	return x < y ? -1 : (x > y ? 1 : 0);
}

static bytea *
burden_year_serialize(BurdenYearState *st)
{
	StringInfoData buf;
	BurdenState *d = st->days;

	burden_normalise(d);
	qsort(st->latest, st->nlatest, sizeof(BurdenLatest), latest_month_cmp);
	st->last = 0;
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, BURDEN_YEAR_VERSION);
	pq_sendint64(&buf, d->settlements);
	pq_sendint32(&buf, d->ndays - d->head);
	for (int32 i = d->head; i < d->ndays; i++)
	{
		pq_sendint32(&buf, d->days[i].day);
		pq_sendint32(&buf, d->days[i].n);
		pq_sendint64(&buf, d->days[i].fen);
	}
	pq_sendint32(&buf, st->nlatest);
	for (int32 i = 0; i < st->nlatest; i++)
	{
		BurdenLatest *e = &st->latest[i];

		pq_sendint32(&buf, e->month);
		pq_sendint32(&buf, e->day);
		pq_sendint32(&buf, e->idlen);
		pq_sendbytes(&buf, e->id, e->idlen);
		pq_sendint32(&buf, e->regionlen);
		pq_sendbytes(&buf, e->region, e->regionlen);
	}
	return pq_endtypsend(&buf);
}

static void
corrupt(const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("burden state is corrupt: %s", why),
			 errhint("medaid.rebuild_burden_state(year) makes the states again from the settlements.")));
}

/*
 * A stored state read in place: readers of one value need not build the
 * state.  burden_year_view checks the whole state as burden_year_read does
 * (version, sizes, order, counts, nothing left over) without allocating,
 * and leaves pointers to its days and months.
 */
typedef struct BurdenYearView
{
	int32		ndays;
	const char *days;			/* ndays x (day, n, fen), network order */
	int32		nlatest;
	const char *latest;			/* nlatest x (month, day, idlen, id, regionlen, region) */
} BurdenYearView;

static inline int32
get32(const char *p)
{
	uint32		v;

	memcpy(&v, p, sizeof(v));
	return (int32) pg_ntoh32(v);
}

static inline int64
get64(const char *p)
{
	uint64		v;

	memcpy(&v, p, sizeof(v));
	return (int64) pg_ntoh64(v);
}

static void
burden_year_view(bytea *b, BurdenYearView *v)
{
	const char *p = VARDATA_ANY(b);
	const char *end = p + VARSIZE_ANY_EXHDR(b);
	int64		settlements;
	int64		counted = 0;
	int32		prev_day = 0;
	int32		prev_month = 0;

	if (end - p < 1 + 8 + 4 + 4)
		corrupt("it is too short");
	if (*p != BURDEN_YEAR_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported burden state version %d", (int) (unsigned char) *p)));
	p++;
	settlements = get64(p);
	p += 8;
	v->ndays = get32(p);
	p += 4;
	if (v->ndays < 0 || (int64) (end - p) < (int64) v->ndays * 16 + 4)
		corrupt("its days do not fit");
	v->days = p;
	for (int32 i = 0; i < v->ndays; i++, p += 16)
	{
		int32		day = get32(p);
		int32		n = get32(p + 4);
		int64		fen = get64(p + 8);

		if (n <= 0 || DATE_NOT_FINITE(day) || !IS_VALID_DATE(day))
			corrupt("a day is invalid");
		/* each settlement is within BURDEN_MAX_FEN, so their mean is too */
		if (fen / n > BURDEN_MAX_FEN || fen / n < -BURDEN_MAX_FEN)
			corrupt("a day's amount is out of range");
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (i > 0 && day <= prev_day)
			corrupt("its days are not in order");
		prev_day = day;
		counted += n;
	}
	if (counted != settlements)
		corrupt("its days do not add up to its settlements");
	v->nlatest = get32(p);
	p += 4;
	if (v->nlatest < 0 || v->nlatest > end - p)
		corrupt("its months do not fit");
	v->latest = p;
	for (int32 i = 0; i < v->nlatest; i++)
	{
		int32		month,
					day,
					len;

		if (end - p < 12)
			corrupt("it ends early");
		month = get32(p);
		day = get32(p + 4);
		len = get32(p + 8);
		p += 12;
		if (len < 0 || len > end - p)
			corrupt("a settlement_id does not fit");
		p += len;
		if (end - p < 4)
			corrupt("it ends early");
		len = get32(p);
		p += 4;
		if (len < 0 || len > end - p)
			corrupt("a region does not fit");
		/* burden_state_region returns it as text */
		if (memchr(p, '\0', len) != NULL || !pg_verifymbstr(p, len, true))
			corrupt("a region is not text");
		p += len;
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (DATE_NOT_FINITE(day) || !IS_VALID_DATE(day) || day_month(day) != month)
			corrupt("a month's latest settlement lies outside it");
		if (i > 0 && month <= prev_month)
			corrupt("its months are not in order");
		prev_month = month;
	}
	if (p != end)
		corrupt("it has bytes left over");
}

/*
 * Read a stored state into an aggregate state, after burden_year_view has
 * checked all of it.
 */
static BurdenYearState *
burden_year_read(bytea *b, MemoryContext cxt)
{
	BurdenYearView v;
	BurdenYearState *st;
	const char *p;
	MemoryContext old;

	burden_year_view(b, &v);
	st = burden_year_new(cxt);
	st->days->settlements = get64(VARDATA_ANY(b) + 1);
	old = MemoryContextSwitchTo(cxt);
	for (int32 i = 0; i < v.ndays; i++)
	{
		const char *d = v.days + i * 16;

		burden_add_day(st->days, get32(d), get64(d + 8), get32(d + 4));
	}
	MemoryContextSwitchTo(old);
	p = v.latest;
	for (int32 i = 0; i < v.nlatest; i++)
	{
		int32		day = get32(p + 4);
		int32		idlen = get32(p + 8);
		const char *id = p + 12;
		int32		regionlen = get32(id + idlen);
		const char *region = id + idlen + 4;

		burden_year_append_latest(st, cxt, day, id, idlen, region, regionlen);
		p = region + regionlen;
	}
	return st;
}

PG_FUNCTION_INFO_V1(burden_state_step);
/* Transition: (state, settle_date, burden, settlement_id, region). */
Datum
burden_state_step(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	BurdenYearState *st;
	DateADT		d;
	int64		fen;
	MemoryContext old;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "burden_state_step called in non-aggregate context");
	st = PG_ARGISNULL(0) ? burden_year_new(aggcxt) : (BurdenYearState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	d = PG_GETARG_DATEADT(1);
	if (DATE_NOT_FINITE(d))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("settle_date must be a finite date")));
	fen = medaid_numeric_datum_to_fen(PG_GETARG_DATUM(2), "burden", false);
	old = MemoryContextSwitchTo(aggcxt);
	burden_add_day(st->days, d, fen, 1);
	MemoryContextSwitchTo(old);
	st->days->settlements++;
	if (!PG_ARGISNULL(3) && !PG_ARGISNULL(4))
	{
		text	   *id = PG_GETARG_TEXT_PP(3);
		text	   *region = PG_GETARG_TEXT_PP(4);

		burden_year_add_latest(st, aggcxt, d, VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id),
							   VARDATA_ANY(region), VARSIZE_ANY_EXHDR(region));
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(burden_state_combine);
Datum
burden_state_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	BurdenYearState *a;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "burden_state_combine called in non-aggregate context");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	a = PG_ARGISNULL(0) ? burden_year_new(aggcxt) : (BurdenYearState *) PG_GETARG_POINTER(0);
	burden_year_combine_into(a, (BurdenYearState *) PG_GETARG_POINTER(1), aggcxt);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(burden_state_serialize);
/* Serialization and the final value are the stored form. */
Datum
burden_state_serialize(PG_FUNCTION_ARGS)
{
	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "burden_state_serialize called in non-aggregate context");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(burden_year_serialize((BurdenYearState *) PG_GETARG_POINTER(0)));
}

PG_FUNCTION_INFO_V1(burden_state_deserialize);
Datum
burden_state_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "burden_state_deserialize called in non-aggregate context");
	PG_RETURN_POINTER(burden_year_read(PG_GETARG_BYTEA_PP(0), aggcxt));
}

PG_FUNCTION_INFO_V1(burden_state_merge);
/* The state of both sets of settlements; NULL stands for none. */
Datum
burden_state_merge(PG_FUNCTION_ARGS)
{
	BurdenYearState *a;

	if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
	{
		/* still checked: a merge never passes a corrupt state on */
		bytea	   *one = PG_ARGISNULL(0) ? PG_GETARG_BYTEA_PP(1) : PG_GETARG_BYTEA_PP(0);

		PG_RETURN_BYTEA_P(burden_year_serialize(burden_year_read(one, CurrentMemoryContext)));
	}
	a = burden_year_read(PG_GETARG_BYTEA_PP(0), CurrentMemoryContext);
	burden_year_combine_into(a, burden_year_read(PG_GETARG_BYTEA_PP(1), CurrentMemoryContext),
							 CurrentMemoryContext);
	PG_RETURN_BYTEA_P(burden_year_serialize(a));
}

PG_FUNCTION_INFO_V1(burden_state_result);
/*
 * (state, through date, threshold) -> burden: the net burden of the days up
 * to and including the date, the first day the running total exceeded the
 * threshold, and the settlements counted; NULL date: all days.
 */
Datum
burden_state_result(PG_FUNCTION_ARGS)
{
	BurdenYearView v;
	TupleDesc	tupdesc = (TupleDesc) fcinfo->flinfo->fn_extra;
	Datum		values[3];
	bool		nulls[3] = {false, true, false};
	bool		has_threshold = !PG_ARGISNULL(2);
	int64		threshold = 0;
	int64		running = 0;
	int64		settlements = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (tupdesc == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "burden_state_result must return a composite type");
		tupdesc = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
		fcinfo->flinfo->fn_extra = tupdesc;
		MemoryContextSwitchTo(old);
	}
	if (has_threshold)
		threshold = medaid_numeric_datum_to_fen(PG_GETARG_DATUM(2), "threshold", true);
	burden_year_view(PG_GETARG_BYTEA_PP(0), &v);
	for (int32 i = 0; i < v.ndays; i++)
	{
		const char *d = v.days + i * 16;
		int32		day = get32(d);

		if (!PG_ARGISNULL(1) && day > PG_GETARG_DATEADT(1))
			break;
		running = medaid_fen_add(running, get64(d + 8));
		settlements += get32(d + 4);
		if (nulls[1] && has_threshold && running > threshold)
		{
			nulls[1] = false;
			values[1] = DateADTGetDatum(day);
		}
	}
	values[0] = medaid_fen_to_numeric(running);
	values[2] = Int64GetDatum(settlements);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

PG_FUNCTION_INFO_V1(burden_state_region);
/*
 * (state, month) -> the region of the latest settlement up to the end of
 * the month that holds the date (by date, then settlement_id in byte
 * order); NULL when there is none.
 */
Datum
burden_state_region(PG_FUNCTION_ARGS)
{
	BurdenYearView v;
	DateADT		through = PG_GETARG_DATEADT(1);
	int32		month;
	const char *p;
	const char *found = NULL;
	int32		foundlen = 0;

	if (DATE_NOT_FINITE(through))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("month must be a finite date")));
	month = day_month(through);
	burden_year_view(PG_GETARG_BYTEA_PP(0), &v);
	p = v.latest;
	for (int32 i = 0; i < v.nlatest; i++)
	{
		int32		m = get32(p);
		int32		len = get32(p + 8);

		p += 12 + len;
		len = get32(p);
		p += 4;
		if (m > month)
			break;
		found = p;
		foundlen = len;
		p += len;
	}
	if (found == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(found, foundlen));
}
