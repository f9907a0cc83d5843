/*
 * redact.c
 *		Masking of ID-like digit runs in free text: see redact.h.
 *
 * Plain C99 with no PostgreSQL dependency.  Input is a NUL-terminated
 * string, normally UTF-8; a byte that does not start valid UTF-8 is one
 * character that is neither a digit nor a separator, so it ends a run and
 * is copied unchanged.  Nothing is read past the terminating NUL.
 *
 * A run is the widest stretch of digits where separators, any number of
 * them, may stand between two digits: the separators are exactly those
 * the cnid parser drops (cnid_parse.c), ' ', tab, newline, CR, VT, FF,
 * U+00A0, U+3000, U+200B, U+FEFF, '-', U+FF0D, U+2010..U+2015, U+2212 and
 * U+FE63, so every spelling of a number the parser accepts is one run
 * ("110101  19900307  7782", "110101\t19900307\t7782" in a CSV field).
 * The price: numbers in neighbouring columns that only separators part
 * (COPY's text format puts a tab between columns) join the run and are
 * masked with it.  If 15 or more digits are found, a following x, X,
 * U+FF58 or U+FF38 (directly or after separators) belongs to the run as
 * its last character.  A run is written
 * as its first 6 and last 4 characters (digits kept as they were, ASCII
 * or full-width) with one '*' for each character between; its
 * separators are dropped, so every masked number has the same shape.
 * Each character of a run takes at least one byte and yields at most as
 * many, so the result is never longer than the input, and a masked run
 * holds at most 6 digits in a row: masking again changes nothing.
 */
#include "redact.h"
#include "utf8_codec.h"

#include <stdint.h>
#include <string.h>

#define REDACT_KEEP_HEAD 6
#define REDACT_KEEP_TAIL 4

/* What one character is to the scanner. */
typedef enum char_kind
{
	KIND_OTHER = 0,
	KIND_DIGIT,
	KIND_SEPARATOR,
	KIND_X
} char_kind;

/* One run found: byte offsets and the count of digits and X. */
typedef struct id_run
{
	size_t		start;			/* offset of the first digit */
	size_t		end;			/* offset after the last digit or the X */
	size_t		chars;			/* digits, plus 1 for a trailing X */
} id_run;

/* Classify the character at s[*i] and advance *i past it (i < len). */
static char_kind
classify(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char c = s[*i];
	uint32_t	cp;

	if (c < 0x80)
	{
		(*i)++;
		if (c >= '0' && c <= '9')
			return KIND_DIGIT;
		if (c == 'x' || c == 'X')
			return KIND_X;
		if (c == ' ' || c == '-' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
			return KIND_SEPARATOR;
		return KIND_OTHER;
	}
	cp = utf8_decode(s, len, i);
	if (cp >= 0xFF10 && cp <= 0xFF19)
		return KIND_DIGIT;
	if (cp == 0xFF38 || cp == 0xFF58)
		return KIND_X;
	if (cp != UTF8_BAD && utf8_is_wide_id_separator(cp))
		return KIND_SEPARATOR;
	return KIND_OTHER;
}

/*
 * Find the first run at or after byte offset from in s[0..len).  Returns 1
 * and fills *run, or 0 when there is none.
 */
static int
next_run(const unsigned char *s, size_t len, size_t from, id_run *run)
{
	size_t		i = from;
	size_t		digits = 0;
	size_t		start = 0;
	size_t		end = 0;

	while (i < len)
	{
		size_t		at = i;

		switch (classify(s, len, &i))
		{
			case KIND_DIGIT:
				if (digits == 0)
					start = at;
				digits++;
				end = i;
				continue;
			case KIND_SEPARATOR:
				if (digits > 0)
					continue;
				break;
			case KIND_X:
				if (digits >= REDACT_MIN_DIGITS)
				{
					run->start = start;
					run->end = i;
					run->chars = digits + 1;
					return 1;
				}
				break;
			case KIND_OTHER:
				break;
		}
		/* whatever digits came before this character ended there */
		if (digits >= REDACT_MIN_DIGITS)
			break;
		digits = 0;
	}
	if (digits < REDACT_MIN_DIGITS)
		return 0;
	run->start = start;
	run->end = end;
	run->chars = digits;
	return 1;
}

/*
 * Mask s[0..len) into out (when out is not NULL); returns the length of the
 * result and sets *runs to the number of runs masked.  out may be s: every
 * write lands at or before the byte being read.
 */
static size_t
mask_runs(const unsigned char *s, size_t len, unsigned char *out, int *runs)
{
	size_t		r = 0;
	size_t		w = 0;
	id_run		run;

	*runs = 0;
	while (next_run(s, len, r, &run))
	{
		size_t		i = run.start;
		size_t		k = 0;

		if (out)
			memmove(out + w, s + r, run.start - r);
		w += run.start - r;
		while (i < run.end)
		{
			size_t		at = i;

			if (classify(s, len, &i) == KIND_SEPARATOR)
				continue;
			if (k < REDACT_KEEP_HEAD || k >= run.chars - REDACT_KEEP_TAIL)
			{
				if (out)
					memmove(out + w, s + at, i - at);
				w += i - at;
			}
			else
			{
				if (out)
					out[w] = '*';
				w++;
			}
			k++;
		}
		r = run.end;
		(*runs)++;
	}
	if (out)
	{
		memmove(out + w, s + r, len - r);
		out[w + len - r] = '\0';
	}
	return w + len - r;
}

int
contains_id_like_run(const char *s)
{
	id_run		run;

	return next_run((const unsigned char *) s, strlen(s), 0, &run);
}

size_t
redact_id_runs_length(const char *s)
{
	int			runs;

	return mask_runs((const unsigned char *) s, strlen(s), NULL, &runs);
}

int
redact_id_runs(const char *s, char *out)
{
	int			runs;

	mask_runs((const unsigned char *) s, strlen(s), (unsigned char *) out, &runs);
	return runs;
}
