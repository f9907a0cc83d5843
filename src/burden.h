/*
 * burden.h
 *		The per-day state shared by annual_burden (burden.c) and the stored
 *		yearly burden state (burden_year.c), and the exact yuan <-> fen
 *		conversions (fen.c).
 */
#ifndef MEDAID_BURDEN_H
#define MEDAID_BURDEN_H

#include "medaid.h"

#include "common/int.h"
#include "utils/numeric.h"

/* Amounts above 10^15 yuan are refused: totals of them cannot wrap. */
#define BURDEN_MAX_FEN INT64CONST(100000000000000000)

typedef struct BurdenDay
{
	int32		day;			/* DateADT */
	int32		n;				/* settlements of the day in the state */
	int64		fen;			/* net amount of the day, in fen */
} BurdenDay;

typedef struct BurdenState
{
	/* what every row touches first, together */
	int32		ndays;
	int32		head;			/* days before it have left a moving frame */
	int32		maxdays;
	bool		sorted;			/* days ascending and distinct */
	bool		has_threshold;
	int16		threshold_len;	/* the threshold's numeric body, to skip */
	BurdenDay  *days;
	int64		settlements;	/* rows counted */
	char		threshold_body[16];	/* converting an equal one again */
	int64		threshold_fen;
} BurdenState;

extern BurdenState *burden_state_new(MemoryContext cxt);
extern void burden_add_day(BurdenState *st, int32 day, int64 fen, int32 n);
extern void burden_normalise(BurdenState *st);

/*
 * Yuan -> fen.  Amounts carry at most two decimals: more is an error.
 * With floor set (a threshold, ratio x income), the result is the largest
 * whole fen not above the amount, so that for whole fen b, b > amount
 * exactly when b > the result.
 */
extern int64 medaid_numeric_to_fen(Numeric num, const char *what, bool floor);
/* The same from a numeric Datum, read in place when it is stored inline. */
extern int64 medaid_numeric_datum_to_fen(Datum d, const char *what, bool floor);
extern bool medaid_numeric_body(Datum d, const char **body, int *len);
extern Datum medaid_fen_to_numeric(int64 fen);
extern void medaid_fen_overflow(void) pg_attribute_noreturn();

/* a + b, or an error: totals stay exact or fail, never wrap. */
static inline int64
medaid_fen_add(int64 a, int64 b)
{
	int64		r;

	if (unlikely(pg_add_s64_overflow(a, b, &r)))
		medaid_fen_overflow();
	return r;
}

#endif							/* MEDAID_BURDEN_H */
