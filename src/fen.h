/*
 * fen.h
 *		Exact conversions between numeric yuan and integer fen (0.01 yuan)
 *		(fen.c), and fen arithmetic that fails instead of wrapping.
 */
#ifndef MEDAID_FEN_H
#define MEDAID_FEN_H

#include "medaid.h"

#include "common/int.h"
#include "utils/numeric.h"

/* Amounts above 10^15 yuan are refused: totals of them cannot wrap. */
#define BURDEN_MAX_FEN INT64CONST(100000000000000000)

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

#endif							/* MEDAID_FEN_H */
