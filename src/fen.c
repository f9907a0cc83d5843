/*
 * fen.c
 *		Exact conversions between numeric yuan and integer fen (0.01 yuan).
 *
 * Settlement amounts reach the burden aggregates as numeric.  Printing each
 * one with numeric_out and parsing the text is exact but costs more than the
 * aggregation itself, so the common case reads numeric's stored form
 * directly: a sign, a weight and base-10000 digits, the on-disk format that
 * pg_upgrade keeps stable across releases (numeric.c describes it).  Every
 * case the fast path does not take - NaN, infinity, more than two decimals,
 * a floor to take, values out of range - goes to the textual path, which
 * gives the errors.  A differential test (test/burden.sql) compares the two.
 */
#include "burden.h"

#include "common/int.h"
#include "utils/builtins.h"

/* numeric's stored header, as numeric.c lays it out (PostgreSQL 9.1+) */
typedef int16 MedaidNumericDigit;

typedef struct MedaidNumericData
{
	int32		vl_len_;
	union
	{
		uint16		n_header;
		struct
		{
			uint16		n_header;
			MedaidNumericDigit n_data[FLEXIBLE_ARRAY_MEMBER];
		}			n_short;
		struct
		{
			uint16		n_sign_dscale;
			int16		n_weight;
			MedaidNumericDigit n_data[FLEXIBLE_ARRAY_MEMBER];
		}			n_long;
	}			choice;
} MedaidNumericData;

#define MN_SIGN_MASK		0xC000
#define MN_NEG				0x4000
#define MN_SHORT			0x8000
#define MN_SPECIAL			0xC000
#define MN_SHORT_SIGN_MASK	0x2000
#define MN_SHORT_WEIGHT_SIGN_MASK 0x0040
#define MN_SHORT_WEIGHT_MASK 0x003F
#define MN_NBASE			10000

/*
 * The fast path: true and *fen set when num is finite, has at most two
 * decimals and fits; false for anything else (the caller then takes the
 * textual path).
 */
static bool
numeric_to_fen_fast(Numeric num, int64 *fen)
{
	const MedaidNumericData *n = (const MedaidNumericData *) num;
	uint16		header = n->choice.n_header;
	const MedaidNumericDigit *digits;
	int			ndigits;
	int			weight;
	bool		neg;
	int64		r = 0;

	if ((header & MN_SIGN_MASK) == MN_SPECIAL)
		return false;
	if ((header & MN_SIGN_MASK) == MN_SHORT)
	{
		neg = (header & MN_SHORT_SIGN_MASK) != 0;
		weight = (header & MN_SHORT_WEIGHT_MASK);
		if (header & MN_SHORT_WEIGHT_SIGN_MASK)
			weight |= ~MN_SHORT_WEIGHT_MASK;
		digits = n->choice.n_short.n_data;
		ndigits = (VARSIZE(n) - VARHDRSZ - sizeof(uint16)) / sizeof(MedaidNumericDigit);
	}
	else
	{
		neg = (header & MN_SIGN_MASK) == MN_NEG;
		weight = n->choice.n_long.n_weight;
		digits = n->choice.n_long.n_data;
		ndigits = (VARSIZE(n) - VARHDRSZ - sizeof(uint16) - sizeof(int16)) / sizeof(MedaidNumericDigit);
	}
	if (ndigits == 0)
	{
		*fen = 0;
		return true;
	}
	/* 10000^3 * 100 * 9999 < 10^17: weights up to 3 cannot overflow */
	if (weight > 3 || weight - (ndigits - 1) < -1)
		return false;
	for (int i = 0; i < ndigits; i++)
	{
		int			e = weight - i; /* this digit's power of 10000 */
		int64		d = digits[i];

		if (d < 0 || d >= MN_NBASE)
			return false;
		if (e >= 0)
		{
			int64		scale = 100;

			for (int k = 0; k < e; k++)
				scale *= MN_NBASE;
			r += d * scale;
		}
		else
		{
			/* e == -1: the first four decimals; only two may be used */
			if (d % 100 != 0)
				return false;
			r += d / 100;
		}
	}
	if (r > BURDEN_MAX_FEN)
		return false;
	*fen = neg ? -r : r;
	return true;
}

int64
medaid_numeric_to_fen(Numeric num, const char *what, bool floor)
{
	bool		inexact = false;
	char	   *s;
	const char *p;
	bool		neg = false;
	int64		whole = 0;
	int			frac = 0;
	int			ndec = 0;
	int64		fast;

	if (numeric_to_fen_fast(num, &fast))
		return fast;

	if (numeric_is_nan(num)
#if PG_VERSION_NUM >= 140000
		|| numeric_is_inf(num)
#endif
		)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite amount", what)));
	s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(num)));
	p = s;
	if (*p == '-')
	{
		neg = true;
		p++;
	}
	for (; *p >= '0' && *p <= '9'; p++)
	{
		if (whole > BURDEN_MAX_FEN / 1000)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s %s is out of range", what, s)));
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.')
	{
		for (p++; *p >= '0' && *p <= '9'; p++, ndec++)
		{
			if (ndec < 2)
				frac = frac * 10 + (*p - '0');
			else if (*p != '0' && floor)
				inexact = true;
			else if (*p != '0')
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s %s has more than two decimals", what, s),
						 errdetail("Amounts are yuan with two decimals (fen); medaid does not round them.")));
		}
	}
	if (ndec == 1)
		frac *= 10;
	pfree(s);
	if (neg)
		return -(whole * 100 + frac) - (inexact ? 1 : 0);
	return whole * 100 + frac;
}

/* fen -> numeric with two decimals, exactly. */
Datum
medaid_fen_to_numeric(int64 fen)
{
	char		buf[32];
	uint64		a = fen < 0 ? (uint64) (-(fen + 1)) + 1 : (uint64) fen;

	snprintf(buf, sizeof(buf), "%s" UINT64_FORMAT ".%02d",
			 fen < 0 ? "-" : "", a / 100, (int) (a % 100));
	return DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

/* a + b, or an error: totals stay exact or fail, never wrap. */
int64
medaid_fen_add(int64 a, int64 b)
{
	int64		r;

	if (pg_add_s64_overflow(a, b, &r))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("annual_burden total is out of range")));
	return r;
}
