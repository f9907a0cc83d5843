/*
 * cnid.c
 *		The cnid type: a Chinese resident identity number, stored as its
 *		17-digit body in 8 bytes, passed by value, shown as 18 characters.
 */
#include "medaid.h"
#include "utf8_codec.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "pgtime.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/sortsupport.h"

/*
 * Today as yyyymmdd, computed once per transaction and time zone: every
 * ID parsed asks for it.
 */
int32
medaid_today_ymd(void)
{
	static TimestampTz cached_start = 0;
	static pg_tz *cached_tz = NULL;
	static int32 cached_ymd = 0;
	TimestampTz start = GetCurrentTransactionStartTimestamp();

	if (cached_ymd == 0 || start != cached_start || session_timezone != cached_tz)
	{
		DateADT		today = GetSQLCurrentDate();
		int			y,
					m,
					d;

		j2date(today + POSTGRES_EPOCH_JDATE, &y, &m, &d);
		cached_ymd = y * 10000 + m * 100 + d;
		cached_start = start;
		cached_tz = session_timezone;
	}
	return cached_ymd;
}

/*
 * The DETAIL for a failed parse: says why, without the hidden digits.
 */
static char *
cnid_reason_detail(const cnid_result *r)
{
	switch (r->status)
	{
		case CNID_OK:
			return NULL;
		case CNID_EMPTY:
			return pstrdup("The value holds nothing but spaces and hyphens.");
		case CNID_BAD_CHARACTER:
			if (r->bad_char == 'X')
				return psprintf("Character %d is \"X\", which may only be the 18th (check) character.",
								r->bad_position);
			if (r->bad_char < 0x20 || r->bad_char == 0x7F)
				return psprintf("Character %d (U+%04X) cannot appear in an ID number.",
								r->bad_position, r->bad_char);
			{
				char		buf[8];
				uint32		cp = r->bad_char;
				int			n;

				if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
					cp = 0xFFFD;	/* bytes that are not UTF-8 (SQL_ASCII) */
				n = (int) utf8_encode(cp, buf);

				buf[n] = '\0';
				return psprintf("Character %d (\"%s\", U+%04X) cannot appear in an ID number.",
								r->bad_position,
								pg_any_to_server(buf, n, PG_UTF8),
								cp);
			}
		case CNID_LENGTH:
			return psprintf("It has %d characters besides spaces and hyphens; an ID number has 18, or 15 for a legacy number.",
							r->length);
		case CNID_PROVINCE:
			return psprintf("The address code does not start with a known province code (%s).",
							r->masked[0] == '9' ? "after the leading 9 of a foreigner's permanent residence number" : "its first two digits");
		case CNID_BIRTH_DATE:
			return psprintf("The birth date (characters %s) is not a calendar date from 1800-01-01 on.",
							r->length == 15 ? "7-12" : "7-14");
		case CNID_FUTURE_BIRTH_DATE:
			return psprintf("The birth date (characters %s) is later than today.",
							r->length == 15 ? "7-12" : "7-14");
		case CNID_CHECK_CHARACTER:
			return psprintf("The check character is \"%c\" but the first 17 characters require \"%c\".",
							r->given_check, r->expected_check);
	}
	return pstrdup("unknown reason");
}

static const char *
cnid_reason_hint(const cnid_result *r)
{
	switch (r->status)
	{
		case CNID_BAD_CHARACTER:
		case CNID_LENGTH:
			return "An ID number is 17 digits and a check character (0-9 or X); spaces and hyphens are ignored.";
		case CNID_CHECK_CHARACTER:
			return "Compare the number with the person's card: one mistyped digit changes the check character.";
		case CNID_PROVINCE:
			return "Address codes start with a province code such as 37 (Shandong), or 81, 82, 83 for residence permits.";
		default:
			return NULL;
	}
}

/* Parse text in the database encoding. */
static void
cnid_parse_text(const char *str, int len, cnid_result *r)
{
	const char *utf8 = medaid_utf8(str, &len);

	cnid_parse(utf8, (size_t) len, medaid_today_ymd(), r);
}

/*
 * Raise the error for a failed parse.  The input appears only masked; the
 * server log also leaves out the statement and the context (COPY's context
 * quotes the raw field), which the client alone sees: it sent them.
 */
static void
cnid_report(const cnid_result *r, int elevel)
{
	const char *hint = cnid_reason_hint(r);

	ereport(elevel,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid ID number \"%s\": %s",
					pg_any_to_server(r->masked, strlen(r->masked), PG_UTF8),
					cnid_status_code(r->status)),
			 errdetail_internal("%s", cnid_reason_detail(r)),
			 hint ? errhint("%s", hint) : 0,
			 errhidestmt(true),
			 errhidecontext(true)));
}

PG_FUNCTION_INFO_V1(cnid_in);
/* Text input: normalise, validate, or raise 22P02 with the reason. */
Datum
cnid_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	cnid_result r;

	cnid_parse_text(str, strlen(str), &r);
	if (r.status != CNID_OK)
		cnid_report(&r, ERROR);
	PG_RETURN_CNID(r.body);
}

PG_FUNCTION_INFO_V1(cnid_out);
/* Text output: the canonical 18 characters. */
Datum
cnid_out(PG_FUNCTION_ARGS)
{
	int64		body = PG_GETARG_CNID(0);
	char	   *out = palloc(19);

	cnid_format(body, out);
	PG_RETURN_CSTRING(out);
}

PG_FUNCTION_INFO_V1(cnid_recv);
/* Binary input: a version byte, then the body as int8; validated. */
Datum
cnid_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	int64		body;
	cnid_status st;

	if (version != CNID_BINARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for type cnid", version),
				 errdetail("This build of medaid reads version %d.", CNID_BINARY_VERSION)));
	body = pq_getmsgint64(buf);
	st = cnid_validate_body(body, medaid_today_ymd());
	if (st != CNID_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary value for type cnid: %s", cnid_status_code(st))));
	PG_RETURN_CNID(body);
}

PG_FUNCTION_INFO_V1(cnid_send);
/* Binary output: a version byte, then the body as int8. */
Datum
cnid_send(PG_FUNCTION_ARGS)
{
	int64		body = PG_GETARG_CNID(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, CNID_BINARY_VERSION);
	pq_sendint64(&buf, body);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Comparison: the body's order is the order of the 18-character text. */
#define CNID_CMP_FUNC(name, op) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(PG_GETARG_CNID(0) op PG_GETARG_CNID(1)); \
}

CNID_CMP_FUNC(cnid_eq, ==)
CNID_CMP_FUNC(cnid_ne, !=)
CNID_CMP_FUNC(cnid_lt, <)
CNID_CMP_FUNC(cnid_le, <=)
CNID_CMP_FUNC(cnid_gt, >)
CNID_CMP_FUNC(cnid_ge, >=)

PG_FUNCTION_INFO_V1(cnid_cmp);
/* btree support 1: three-way comparison. */
Datum
cnid_cmp(PG_FUNCTION_ARGS)
{
	int64		a = PG_GETARG_CNID(0);
	int64		b = PG_GETARG_CNID(1);

	PG_RETURN_INT32(a < b ? -1 : (a > b ? 1 : 0));
}

static int
cnid_fastcmp(Datum x, Datum y, SortSupport ssup)
{
	int64		a = DatumGetCnid(x);
	int64		b = DatumGetCnid(y);

	return a < b ? -1 : (a > b ? 1 : 0);
}

PG_FUNCTION_INFO_V1(cnid_sortsupport);
/* btree support 2: sort support. */
Datum
cnid_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = cnid_fastcmp;
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(cnid_hash);
/* hash support 1: the same hash as int8 of the body. */
Datum
cnid_hash(PG_FUNCTION_ARGS)
{
	return DirectFunctionCall1(hashint8, PG_GETARG_DATUM(0));
}

PG_FUNCTION_INFO_V1(cnid_hash_extended);
/* hash support 2: seeded 64-bit hash. */
Datum
cnid_hash_extended(PG_FUNCTION_ARGS)
{
	return DirectFunctionCall2(hashint8extended, PG_GETARG_DATUM(0),
							   PG_GETARG_DATUM(1));
}

/*
 * cnid_check(raw) is an SQL function that the planner inlines into these
 * five, so (cnid_check(raw)).ok costs one parse and no composite.  A NULL
 * input has reason 'missing'.
 */

/* Parse a possibly NULL text argument; false when it is NULL. */
static bool
cnid_parse_arg(FunctionCallInfo fcinfo, cnid_result *r)
{
	text	   *raw;

	if (PG_ARGISNULL(0))
		return false;
	raw = PG_GETARG_TEXT_PP(0);
	cnid_parse_text(VARDATA_ANY(raw), VARSIZE_ANY_EXHDR(raw), r);
	return true;
}

PG_FUNCTION_INFO_V1(cnid_try);
/* The ID, or NULL when the input is not a valid ID number. */
Datum
cnid_try(PG_FUNCTION_ARGS)
{
	cnid_result r;

	if (!cnid_parse_arg(fcinfo, &r) || r.status != CNID_OK)
		PG_RETURN_NULL();
	PG_RETURN_CNID(r.body);
}

PG_FUNCTION_INFO_V1(cnid_is_valid);
/* Whether the input is a valid ID number (false for NULL). */
Datum
cnid_is_valid(PG_FUNCTION_ARGS)
{
	cnid_result r;

	PG_RETURN_BOOL(cnid_parse_arg(fcinfo, &r) && r.status == CNID_OK);
}

PG_FUNCTION_INFO_V1(cnid_invalid_reason);
/* The reason code, or NULL when valid. */
Datum
cnid_invalid_reason(PG_FUNCTION_ARGS)
{
	cnid_result r;

	if (!cnid_parse_arg(fcinfo, &r))
		PG_RETURN_TEXT_P(cstring_to_text("missing"));
	if (r.status == CNID_OK)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(cnid_status_code(r.status)));
}

PG_FUNCTION_INFO_V1(cnid_invalid_detail);
/* Why the input is not valid, without its hidden digits; NULL when valid. */
Datum
cnid_invalid_detail(PG_FUNCTION_ARGS)
{
	cnid_result r;

	if (!cnid_parse_arg(fcinfo, &r))
		PG_RETURN_TEXT_P(cstring_to_text("The value is NULL."));
	if (r.status == CNID_OK)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(cnid_reason_detail(&r)));
}

PG_FUNCTION_INFO_V1(cnid_is_upgraded);
/* Whether the input is a valid 15-digit number (upgraded to 18). */
Datum
cnid_is_upgraded(PG_FUNCTION_ARGS)
{
	cnid_result r;

	if (!cnid_parse_arg(fcinfo, &r))
		PG_RETURN_NULL();
	PG_RETURN_BOOL(r.status == CNID_OK && r.upgraded);
}

PG_FUNCTION_INFO_V1(cnid_mask_text);
/* Mask raw text the way error messages do: first 6 and last 4 kept. */
Datum
cnid_mask_text(PG_FUNCTION_ARGS)
{
	text	   *raw = PG_GETARG_TEXT_PP(0);
	int			len = VARSIZE_ANY_EXHDR(raw);
	const char *s = medaid_utf8(VARDATA_ANY(raw), &len);
	char		masked[CNID_MASK_MAX];

	cnid_mask_input(s, (size_t) len, masked);
	PG_RETURN_TEXT_P(cstring_to_text(pg_any_to_server(masked, strlen(masked),
													  PG_UTF8)));
}

PG_FUNCTION_INFO_V1(cnid_mask);
/* The display mask: '370102********123X'. */
Datum
cnid_mask(PG_FUNCTION_ARGS)
{
	char		out[19];

	cnid_format_masked(PG_GETARG_CNID(0), out);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out, 18));
}

PG_FUNCTION_INFO_V1(cnid_birth_date);
/* The birth date in characters 7-14. */
Datum
cnid_birth_date(PG_FUNCTION_ARGS)
{
	int32		ymd = cnid_body_birth_ymd(PG_GETARG_CNID(0));

	PG_RETURN_DATEADT(date2j(ymd / 10000, (ymd / 100) % 100, ymd % 100)
					  - POSTGRES_EPOCH_JDATE);
}

PG_FUNCTION_INFO_V1(cnid_sex);
/* 'M' for an odd sequence number, 'F' for an even one. */
Datum
cnid_sex(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(cnid_body_is_male(PG_GETARG_CNID(0)) ? "M" : "F"));
}

PG_FUNCTION_INFO_V1(cnid_region);
/* The 6-digit address code. */
Datum
cnid_region(PG_FUNCTION_ARGS)
{
	char		out[7];

	snprintf(out, sizeof(out), "%06d", (int) cnid_body_region(PG_GETARG_CNID(0)));
	PG_RETURN_TEXT_P(cstring_to_text(out));
}

PG_FUNCTION_INFO_V1(cnid_kind);
/* 'resident', 'permit' (81/82/83) or 'foreign' (leading 9). */
Datum
cnid_kind(PG_FUNCTION_ARGS)
{
	switch (cnid_body_kind(PG_GETARG_CNID(0)))
	{
		case CNID_KIND_PERMIT:
			PG_RETURN_TEXT_P(cstring_to_text("permit"));
		case CNID_KIND_FOREIGN:
			PG_RETURN_TEXT_P(cstring_to_text("foreign"));
		default:
			PG_RETURN_TEXT_P(cstring_to_text("resident"));
	}
}

PG_FUNCTION_INFO_V1(cnid_age);
/* Age in whole years on a date. */
Datum
cnid_age(PG_FUNCTION_ARGS)
{
	int32		ymd = cnid_body_birth_ymd(PG_GETARG_CNID(0));
	DateADT		on = PG_GETARG_DATEADT(1);
	int			y,
				m,
				d;
	int			age;

	if (DATE_NOT_FINITE(on))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot compute an age on an infinite date")));
	j2date(on + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	if (y * 10000 + m * 100 + d < ymd)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot compute an age on a date before the birth date"),
				 errdetail("The date given is %s.",
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(on))))));
	age = y - ymd / 10000;
	if (m * 100 + d < ymd % 10000)
		age--;
	PG_RETURN_INT32(age);
}

PG_FUNCTION_INFO_V1(cnid_body);
/* The 17-digit body as bigint (the check character is derived from it). */
Datum
cnid_body(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_CNID(0));
}
