/*
 * burden.h
 *		The per-day state shared by annual_burden (burden.c) and the stored
 *		yearly burden state (burden_state.c).
 */
#ifndef MEDAID_BURDEN_H
#define MEDAID_BURDEN_H

#include "medaid.h"
#include "fen.h"

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

#endif							/* MEDAID_BURDEN_H */
