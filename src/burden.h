/*
 * burden.h
 *		The per-day state shared by annual_burden (burden.c) and the stored
 *		yearly burden state (burden_year.c), and the exact yuan <-> fen
 *		conversions (fen.c).
 */
#ifndef MEDAID_BURDEN_H
#define MEDAID_BURDEN_H

#include "medaid.h"

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
	int64		settlements;	/* rows counted */
	bool		has_threshold;
	int64		threshold_fen;
	bool		sorted;			/* days ascending and distinct */
	int32		head;			/* days before it have left a moving frame */
	int32		ndays;
	int32		maxdays;
	BurdenDay  *days;
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
extern Datum medaid_fen_to_numeric(int64 fen);
extern int64 medaid_fen_add(int64 a, int64 b);

#endif							/* MEDAID_BURDEN_H */
