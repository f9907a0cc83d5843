/*
 * cnid_parse.h
 *		Parser for Chinese resident identity numbers (GB 11643-1999).
 *
 * This file and cnid_parse.c have no PostgreSQL dependency, so the parser
 * is unit-tested and fuzzed on its own (test/cnid_parse_test.c,
 * test/cnid_fuzz.c).
 *
 * A valid number is represented by its 17-digit body (address code, birth
 * date, sequence number) held as an integer below 10^17; the check
 * character is derived from the body, so it is not stored.
 */
#ifndef CNID_PARSE_H
#define CNID_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define CNID_BODY_LIMIT INT64_C(100000000000000000)	/* 10^17 */
#define CNID_MIN_YEAR 1800

/*
 * Outcomes of parsing, in the order the rules are checked.  The names
 * returned by cnid_status_code() are a documented interface
 * (cnid_check().reason): never rename them.
 */
typedef enum cnid_status
{
	CNID_OK = 0,
	CNID_EMPTY,					/* nothing left after removing separators */
	CNID_BAD_CHARACTER,			/* a character that cannot be in a number */
	CNID_LENGTH,				/* neither 15 nor 18 characters */
	CNID_PROVINCE,				/* unknown province code */
	CNID_BIRTH_DATE,			/* not a calendar date, or before 1800 */
	CNID_FUTURE_BIRTH_DATE,		/* birth date after "today" */
	CNID_CHECK_CHARACTER		/* ISO 7064 MOD 11-2 check fails */
} cnid_status;

/* The kind of number, from its address code. */
typedef enum cnid_holder_kind
{
	CNID_KIND_RESIDENT = 0,		/* 公民身份号码 */
	CNID_KIND_PERMIT,			/* 港澳台居民居住证 (81, 82, 83) */
	CNID_KIND_FOREIGN			/* 外国人永久居留身份证 (leading 9) */
} cnid_holder_kind;

#define CNID_MASK_MAX 64		/* bytes, including the terminating NUL */

typedef struct cnid_result
{
	cnid_status status;
	int64_t		body;			/* 17-digit body when status is CNID_OK */
	int			upgraded;		/* 1 when a 15-digit number was upgraded */
	int			length;			/* significant characters found */
	int			bad_position;	/* 1-based character position in the raw
								 * input, for CNID_BAD_CHARACTER */
	uint32_t	bad_char;		/* the offending code point; 0xFFFFFFFF for a
								 * byte that is not valid UTF-8 */
	char		expected_check; /* for CNID_CHECK_CHARACTER */
	char		given_check;
	char		masked[CNID_MASK_MAX];	/* the normalised input, masked; set
										 * only when the parse fails */
} cnid_result;

/*
 * Parse raw UTF-8 input of len bytes.  today is the current date as
 * yyyymmdd; birth dates after it are rejected.  Never fails otherwise:
 * every outcome is reported in *r.
 */
extern cnid_status cnid_parse(const char *raw, size_t len, int32_t today,
							  cnid_result *r);

/*
 * Write the normalised input, masked (first 6 characters kept, and the last
 * 4 of 18 or more, of fewer only those past the 14th, so never a birth-date
 * digit; at most 12 '*' between; all '*' when 10 characters or fewer), and a NUL
 * to out[CNID_MASK_MAX].
 */
extern void cnid_mask_input(const char *raw, size_t len, char *out);

/* Validate a 17-digit body the same way (for binary input). */
extern cnid_status cnid_validate_body(int64_t body, int32_t today);

/* The check character ('0'-'9' or 'X') of 17 ASCII digits. */
extern char cnid_check_char(const char *digits17);

/* Write the canonical 18 characters and a NUL to out[19]. */
extern void cnid_format(int64_t body, char *out);

/* Write the display mask (first 6, eight '*', last 4) and a NUL to out[19]. */
extern void cnid_format_masked(int64_t body, char *out);

/* Birth date of a valid body as yyyymmdd. */
extern int32_t cnid_body_birth_ymd(int64_t body);

/* 1 for male (odd sequence), 0 for female. */
extern int	cnid_body_is_male(int64_t body);

/* The 6-digit address code. */
extern int32_t cnid_body_region(int64_t body);

extern cnid_holder_kind cnid_body_kind(int64_t body);

/* Whether a two-digit province code is known. */
extern int	cnid_province_known(int province);

/* Whether y-m-d is a date of the proleptic Gregorian calendar. */
extern int	cnid_valid_date(int y, int m, int d);

/* The stable reason code of a status ("check_character", ...). */
extern const char *cnid_status_code(cnid_status status);

#endif							/* CNID_PARSE_H */
