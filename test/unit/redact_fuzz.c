/*
 * redact_fuzz.c
 *		libFuzzer target for the log redaction scanner (src/redact.c).
 *
 * Invariants: nothing crashes or reads out of bounds (ASan, UBSan); the
 * output never holds a run (by the scanner, and by a check of its own: no
 * 15 ASCII or full-width digits with only the cnid parser's separators
 * between them); an input the parser (cnid_parse.c) accepts as an ID is
 * masked; the output is never longer than the input and has the
 * length redact_id_runs_length() promised; masking in place gives the
 * same bytes; masking again changes nothing; the output equals the input
 * exactly when no run was found.
 *
 * An input whose first byte is odd is read as tokens instead (one byte
 * each: ASCII and full-width digits, separators, the four X, tab, a
 * letter, broken UTF-8), so long mixed runs come up quickly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cnid_parse.h"
#include "redact.h"
#include "utf8_codec.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const tokens[] = {
	"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
	"\xEF\xBC\x90", "\xEF\xBC\x91", "\xEF\xBC\x95", "\xEF\xBC\x99",
	" ", "-", "\xC2\xA0", "\xE3\x80\x80", "\xEF\xBC\x8D", "\xE2\x80\x8B",
	"\xE2\x80\x94", "\xEF\xBB\xBF",
	"x", "X", "\xEF\xBD\x98", "\xEF\xBC\xB8",
	"\t", "\n", "\r", "\v", "\f", "a", "*", "\xFF", "\xEF\xBC", "\xE3\x80", "\xC2",
};
#define NTOKENS (sizeof(tokens) / sizeof(tokens[0]))

/* Whether s has REDACT_MIN_DIGITS ASCII digits in a row. */
static int
has_ascii_digit_run(const char *s)
{
	size_t		n = 0;

	for (; *s; s++)
	{
		n = (*s >= '0' && *s <= '9') ? n + 1 : 0;
		if (n >= REDACT_MIN_DIGITS)
			return 1;
	}
	return 0;
}

/*
 * Whether s has REDACT_MIN_DIGITS digits (ASCII or full-width) with
 * nothing but the parser's separators between them: written apart from the
 * scanner, from the parser's rules (cnid_parse.c's is_separator).
 */
static int
has_parser_digit_run(const char *s)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		len = strlen(s);
	size_t		i = 0;
	size_t		n = 0;

	while (i < len)
	{
		uint32_t	cp;

		if (u[i] < 0x80)
			cp = u[i++];
		else
			cp = utf8_decode(u, len, &i);
		if ((cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19))
		{
			if (++n >= REDACT_MIN_DIGITS)
				return 1;
		}
		else if (n > 0 && (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' ||
						   cp == '\f' || cp == '-' || (cp != UTF8_BAD && utf8_is_wide_id_separator(cp))))
			continue;
		else
			n = 0;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *in = malloc(size + 1);
	char	   *out;
	char	   *inplace;
	char	   *again;
	size_t		len;
	size_t		want;
	int			runs;

	if (size > 0 && (data[0] & 1))
	{
		size_t		n = 0;

		free(in);
		in = malloc(4 * size + 1);
		for (size_t i = 1; i < size; i++)
		{
			const char *t = tokens[data[i] % NTOKENS];

			memcpy(in + n, t, strlen(t));
			n += strlen(t);
		}
		in[n] = '\0';
	}
	else
	{
		memcpy(in, data, size);
		in[size] = '\0';
	}
	len = strlen(in);			/* the input stops at its first NUL */

	want = redact_id_runs_length(in);
	if (want > len)
		abort();
	out = malloc(want + 1);
	runs = redact_id_runs(in, out);
	if (strlen(out) != want || runs < 0)
		abort();
	if (contains_id_like_run(in) != (runs > 0))
		abort();
	if (runs == 0 && strcmp(out, in) != 0)
		abort();
	if (contains_id_like_run(out) || has_ascii_digit_run(out) || has_parser_digit_run(out))
		abort();
	{
		cnid_result r;

		if (cnid_parse(in, len, 20991231, &r) == CNID_OK && runs == 0)
			abort();
	}

	inplace = malloc(len + 1);
	memcpy(inplace, in, len + 1);
	if (redact_id_runs(inplace, inplace) != runs || strcmp(inplace, out) != 0)
		abort();

	again = malloc(want + 1);
	if (redact_id_runs(out, again) != 0 || strcmp(again, out) != 0)
		abort();

	free(in);
	free(out);
	free(inplace);
	free(again);
	return 0;
}
