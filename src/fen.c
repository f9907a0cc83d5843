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
#include "fen.h"

#include "common/int.h"
#include "utils/builtins.h"

/*
 * numeric's stored form, as numeric.c lays it out (PostgreSQL 9.1+), after
 * the varlena header: a uint16 header word, for the long form an int16
 * weight, then base-10000 digits as int16.  The bytes are read with memcpy:
 * a value with a short (1-byte) varlena header, as read from a table, is
 * not aligned, and is read in place rather than copied.
 */
#define MN_SIGN_MASK		0xC000
#define MN_NEG				0x4000
#define MN_SHORT			0x8000
#define MN_SPECIAL			0xC000
#define MN_SHORT_SIGN_MASK	0x2000
#define MN_SHORT_WEIGHT_SIGN_MASK 0x0040
#define MN_SHORT_WEIGHT_MASK 0x003F
#define MN_NBASE			10000

/*
 * The fast path over a numeric's body (the bytes after the varlena
 * header): true and *fen set when the value is finite, has at most two
 * decimals and fits; false for anything else (the caller then takes the
 * textual path).
 */
static bool
numeric_body_to_fen(const char *body, int len, int64 *fen)
{
	uint16		header;
	int16		weight16;
	const char *digits;
	int			ndigits;
	int			weight;
	bool		neg;
	int64		r = 0;

	if (len < (int) sizeof(uint16))
		return false;
	memcpy(&header, body, sizeof(uint16));
	if ((header & MN_SIGN_MASK) == MN_SPECIAL)
		return false;
	if ((header & MN_SIGN_MASK) == MN_SHORT)
	{
		neg = (header & MN_SHORT_SIGN_MASK) != 0;
		weight = (header & MN_SHORT_WEIGHT_MASK);
		if (header & MN_SHORT_WEIGHT_SIGN_MASK)
			weight |= ~MN_SHORT_WEIGHT_MASK;
		digits = body + sizeof(uint16);
		ndigits = (len - (int) sizeof(uint16)) / (int) sizeof(int16);
	}
	else
	{
		if (len < (int) (sizeof(uint16) + sizeof(int16)))
			return false;
		neg = (header & MN_SIGN_MASK) == MN_NEG;
		memcpy(&weight16, body + sizeof(uint16), sizeof(int16));
		weight = weight16;
		digits = body + sizeof(uint16) + sizeof(int16);
		ndigits = (len - (int) (sizeof(uint16) + sizeof(int16))) / (int) sizeof(int16);
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
		int16		d16;
		int64		d;

		memcpy(&d16, digits + i * sizeof(int16), sizeof(int16));
		d = d16;
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

/*
 * The body of a numeric Datum without detoasting it, when it is stored
 * inline (a 1-byte or 4-byte header); false when it is compressed or
 * out of line.
 */
bool
medaid_numeric_body(Datum d, const char **body, int *len)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(d);

	if (VARATT_IS_SHORT(v))
	{
		*body = VARDATA_SHORT(v);
		*len = VARSIZE_SHORT(v) - VARHDRSZ_SHORT;
		return true;
	}
	if (!VARATT_IS_EXTENDED(v))
	{
		*body = VARDATA(v);
		*len = VARSIZE(v) - VARHDRSZ;
		return true;
	}
	return false;
}

int64
medaid_numeric_datum_to_fen(Datum d, const char *what, bool floor)
{
	const char *body;
	int			len;
	int64		fen;

	if (medaid_numeric_body(d, &body, &len) && numeric_body_to_fen(body, len, &fen))
		return fen;
	return medaid_numeric_to_fen(DatumGetNumeric(d), what, floor);
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

	if (numeric_body_to_fen(VARDATA(num), VARSIZE(num) - VARHDRSZ, &fast))
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
#if PG_VERSION_NUM >= 140000
	return NumericGetDatum(int64_div_fast_to_numeric(fen, 2));
#else
	char		buf[32];
	uint64		a = fen < 0 ? (uint64) (-(fen + 1)) + 1 : (uint64) fen;

	snprintf(buf, sizeof(buf), "%s" UINT64_FORMAT ".%02d",
			 fen < 0 ? "-" : "", a / 100, (int) (a % 100));
	return DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
#endif
}

/* the error of medaid_fen_add (burden.h) */
void
medaid_fen_overflow(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("annual_burden total is out of range")));
}
