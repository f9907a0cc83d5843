/*
 * cnid_parse.c
 *		Parser for Chinese resident identity numbers (GB 11643-1999).
 *
 * Plain C99 with no PostgreSQL dependency: see cnid_parse.h.
 *
 * Input is UTF-8.  Separators (white space, no-break and ideographic
 * spaces, hyphens and dashes) are dropped; full-width digits and the
 * letters x, X, ｘ, Ｘ are folded to ASCII digits and 'X'.  What remains
 * must be 18 characters (17 digits and a check character) or 15 digits
 * (a legacy number, upgraded by inserting "19" before the two-digit year
 * and computing the check character).
 */
#include "cnid_parse.h"
#include "utf8_codec.h"

#include <stddef.h>
#include <string.h>

#define BAD_UTF8 UTF8_BAD

/* Known province codes (GB/T 2260) and 81/82/83 (residence permits). */
static const unsigned char province_table[100] = {
	[11] = 1,[12] = 1,[13] = 1,[14] = 1,[15] = 1,
	[21] = 1,[22] = 1,[23] = 1,
	[31] = 1,[32] = 1,[33] = 1,[34] = 1,[35] = 1,[36] = 1,[37] = 1,
	[41] = 1,[42] = 1,[43] = 1,[44] = 1,[45] = 1,[46] = 1,
	[50] = 1,[51] = 1,[52] = 1,[53] = 1,[54] = 1,
	[61] = 1,[62] = 1,[63] = 1,[64] = 1,[65] = 1,
	[71] = 1,
	[81] = 1,[82] = 1,[83] = 1,
};

static const int check_weights[17] = {
	7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
};

static const char check_chars[11] = {
	'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'
};

static const char *const status_codes[] = {
	[CNID_OK] = "ok",
	[CNID_EMPTY] = "empty",
	[CNID_BAD_CHARACTER] = "bad_character",
	[CNID_LENGTH] = "length",
	[CNID_PROVINCE] = "province",
	[CNID_BIRTH_DATE] = "birth_date",
	[CNID_FUTURE_BIRTH_DATE] = "future_birth_date",
	[CNID_CHECK_CHARACTER] = "check_character",
};

/* Characters dropped from the input. */
static int
is_separator(uint32_t cp)
{
	switch (cp)
	{
		case ' ':
		case '\t':
		case '\n':
		case '\r':
		case '\v':
		case '\f':
		case '-':
			return 1;
		default:
			return utf8_is_wide_id_separator(cp);
	}
}

/* The ASCII digit or 'X' a code point stands for, or 0. */
static char
significant_char(uint32_t cp)
{
	if (cp >= '0' && cp <= '9')
		return (char) cp;
	if (cp >= 0xFF10 && cp <= 0xFF19)
		return (char) ('0' + (cp - 0xFF10));
	if (cp == 'X' || cp == 'x' || cp == 0xFF38 || cp == 0xFF58)
		return 'X';
	return 0;
}

/* Append the UTF-8 form of cp (or '?' for what should not be shown). */
static size_t
put_code_point(char *out, uint32_t cp)
{
	if (cp == BAD_UTF8 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
	{
		out[0] = '?';
		return 1;
	}
	return utf8_encode(cp, out);
}

int
cnid_province_known(int province)
{
	return province >= 0 && province < 100 && province_table[province];
}

int
cnid_valid_date(int y, int m, int d)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			leap;

	if (m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

char
cnid_check_char(const char *digits17)
{
	int			sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (digits17[i] - '0') * check_weights[i];
	return check_chars[sum % 11];
}

const char *
cnid_status_code(cnid_status status)
{
	if ((int) status < 0 || (size_t) status >= sizeof(status_codes) / sizeof(status_codes[0]))
		return "unknown";
	return status_codes[status];
}

/*
 * Check the address code and birth date of 17 ASCII digits.  A leading 9
 * (a foreigner's permanent residence number) exists only in 18 characters.
 */
static cnid_status
check_digits(const char *d, int32_t today, int allow_foreign)
{
	int			y,
				m,
				day;

	if (d[0] == '9' && allow_foreign)
	{
		/* foreigner's permanent residence ID: 9, issuing province, nation */
		if (!cnid_province_known((d[1] - '0') * 10 + (d[2] - '0')))
			return CNID_PROVINCE;
	}
	else if (!cnid_province_known((d[0] - '0') * 10 + (d[1] - '0')))
		return CNID_PROVINCE;

	y = (d[6] - '0') * 1000 + (d[7] - '0') * 100 + (d[8] - '0') * 10 + (d[9] - '0');
	m = (d[10] - '0') * 10 + (d[11] - '0');
	day = (d[12] - '0') * 10 + (d[13] - '0');
	if (y < CNID_MIN_YEAR || !cnid_valid_date(y, m, day))
		return CNID_BIRTH_DATE;
	if ((int32_t) (y * 10000 + m * 100 + day) > today)
		return CNID_FUTURE_BIRTH_DATE;
	return CNID_OK;
}

void
cnid_mask_input(const char *raw, size_t len, char *out)
{
	const unsigned char *s = (const unsigned char *) raw;
	uint32_t	head[6];
	uint32_t	tail[4];
	int			t4 = 0;			/* where the next character goes in tail */
	int			n = 0;
	size_t		i = 0;
	char	   *p = out;
	int			keep;
	int			stars;

	while (i < len)
	{
		uint32_t	cp = utf8_decode(s, len, &i);
		char		c;

		if (cp != BAD_UTF8 && is_separator(cp))
			continue;
		c = (cp == BAD_UTF8) ? 0 : significant_char(cp);
		if (c)
			cp = (unsigned char) c;
		if (n < 6)
			head[n] = cp;
		tail[t4] = cp;
		t4 = (t4 + 1) & 3;
		if (n < 1000000)
			n++;
	}
	if (n <= 10)
	{
		for (int k = 0; k < n; k++)
			*p++ = '*';
		*p = '\0';
		return;
	}
	/*
	 * The last 4 of 18 or more; of fewer, only what lies past character 14,
	 * where an 18-character number's birth date ends (a 15-digit number's
	 * ends at 12): no birth-date digit is ever shown.
	 */
	keep = n >= 18 ? 4 : (n > 14 ? n - 14 : 0);
	for (int k = 0; k < 6; k++)
		p += put_code_point(p, head[k]);
	stars = n - 6 - keep;
	if (stars > 12)
		stars = 12;
	for (int k = 0; k < stars; k++)
		*p++ = '*';
	for (int k = 4 - keep; k < 4; k++)
		p += put_code_point(p, tail[(t4 + k) & 3]);
	*p = '\0';
}

/* Record a failed parse, with the masked input for messages. */
static cnid_status
fail(cnid_result *r, cnid_status status, const char *raw, size_t len)
{
	r->status = status;
	cnid_mask_input(raw, len, r->masked);
	return status;
}

cnid_status
cnid_parse(const char *raw, size_t len, int32_t today, cnid_result *r)
{
	const unsigned char *s = (const unsigned char *) raw;
	char		sig[18];
	char		digits[17];
	int			n = 0;			/* non-separator characters */
	int			pos = 0;		/* raw character position */
	int			first_x = -1;	/* significant index of the first X */
	int			first_x_pos = 0;
	size_t		i = 0;
	int64_t		body = 0;
	cnid_status st;

	memset(r, 0, offsetof(cnid_result, masked));
	r->masked[0] = '\0';

	/*
	 * Fast path: 18 plain ASCII characters, 17 digits and a check character,
	 * as most input is.  Anything else takes the general path below.
	 */
	if (len == 18)
	{
		int			k;

		for (k = 0; k < 17; k++)
		{
			if ((unsigned) (raw[k] - '0') > 9)
				break;
			body = body * 10 + (raw[k] - '0');
		}
		if (k == 17 && ((unsigned) (raw[17] - '0') <= 9 || raw[17] == 'X' || raw[17] == 'x'))
		{
			char		given = raw[17] == 'x' ? 'X' : raw[17];
			char		expected;

			r->length = 18;
			st = check_digits(raw, today, 1);
			if (st != CNID_OK)
				return fail(r, st, raw, len);
			expected = cnid_check_char(raw);
			if (expected != given)
			{
				r->expected_check = expected;
				r->given_check = given;
				return fail(r, CNID_CHECK_CHARACTER, raw, len);
			}
			r->body = body;
			return r->status = CNID_OK;
		}
		body = 0;
	}

	while (i < len)
	{
		uint32_t	cp = utf8_decode(s, len, &i);
		char		c;

		pos++;
		if (cp != BAD_UTF8 && is_separator(cp))
			continue;
		c = (cp == BAD_UTF8) ? 0 : significant_char(cp);
		if (c == 0 && r->bad_position == 0)
		{
			r->bad_position = pos;
			r->bad_char = cp;
		}
		if (c == 'X' && first_x < 0)
		{
			first_x = n;
			first_x_pos = pos;
		}
		if (n < 18)
			sig[n] = c;
		if (n < 1000000)
			n++;
	}
	r->length = n;

	if (n == 0)
		return fail(r, CNID_EMPTY, raw, len);
	if (r->bad_position != 0)
		return fail(r, CNID_BAD_CHARACTER, raw, len);
	if (n != 15 && n != 18)
		return fail(r, CNID_LENGTH, raw, len);
	if (first_x >= 0 && !(n == 18 && first_x == 17))
	{
		r->bad_position = first_x_pos;
		r->bad_char = 'X';
		return fail(r, CNID_BAD_CHARACTER, raw, len);
	}

	if (n == 18)
		memcpy(digits, sig, 17);
	else
	{
		memcpy(digits, sig, 6);
		digits[6] = '1';
		digits[7] = '9';
		memcpy(digits + 8, sig + 6, 9);
		r->upgraded = 1;
	}

	st = check_digits(digits, today, n == 18);
	if (st != CNID_OK)
		return fail(r, st, raw, len);

	if (n == 18)
	{
		char		expected = cnid_check_char(digits);

		if (expected != sig[17])
		{
			r->expected_check = expected;
			r->given_check = sig[17];
			return fail(r, CNID_CHECK_CHARACTER, raw, len);
		}
	}

	for (int k = 0; k < 17; k++)
		body = body * 10 + (digits[k] - '0');
	r->body = body;
	return r->status = CNID_OK;
}

/* Write the 17 digits of body to d. */
static void
body_digits(int64_t body, char *d)
{
	for (int k = 16; k >= 0; k--)
	{
		d[k] = (char) ('0' + (int) (body % 10));
		body /= 10;
	}
}

cnid_status
cnid_validate_body(int64_t body, int32_t today)
{
	char		d[17];

	if (body < 0 || body >= CNID_BODY_LIMIT)
		return CNID_LENGTH;
	body_digits(body, d);
	return check_digits(d, today, 1);
}

void
cnid_format(int64_t body, char *out)
{
	body_digits(body, out);
	out[17] = cnid_check_char(out);
	out[18] = '\0';
}

void
cnid_format_masked(int64_t body, char *out)
{
	cnid_format(body, out);
	memset(out + 6, '*', 8);
}

int32_t
cnid_body_birth_ymd(int64_t body)
{
	/* digits 7-14 of 17: drop the 3-digit sequence, keep 8 digits */
	return (int32_t) ((body / 1000) % 100000000);
}

int
cnid_body_is_male(int64_t body)
{
	return (int) (body % 2);
}

int32_t
cnid_body_region(int64_t body)
{
	return (int32_t) (body / INT64_C(100000000000));
}

cnid_holder_kind
cnid_body_kind(int64_t body)
{
	int32_t		region = cnid_body_region(body);

	if (region >= 900000)
		return CNID_KIND_FOREIGN;
	if (region >= 810000 && region < 840000)
		return CNID_KIND_PERMIT;
	return CNID_KIND_RESIDENT;
}
