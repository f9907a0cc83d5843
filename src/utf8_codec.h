/*
 * utf8_codec.h
 *		Decoding and encoding one UTF-8 code point, shared by the parsers
 *		(cnid_parse.c, name_normalize.c) and their messages.  Plain C, no
 *		PostgreSQL dependency.
 */
#ifndef UTF8_CODEC_H
#define UTF8_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_BAD 0xFFFFFFFFu	/* a byte that does not start valid UTF-8 */

/*
 * Decode the code point at s[*i] and advance *i past it; a byte that is not
 * valid UTF-8 (bad lead, truncated, overlong, surrogate, out of range)
 * yields UTF8_BAD and advances one byte.
 */
static inline uint32_t
utf8_decode(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char c = s[*i];
	uint32_t	cp;
	uint32_t	min;
	int			extra;

	if (c < 0x80)
	{
		(*i)++;
		return c;
	}
	if ((c & 0xE0) == 0xC0)
	{
		cp = c & 0x1F;
		extra = 1;
		min = 0x80;
	}
	else if ((c & 0xF0) == 0xE0)
	{
		cp = c & 0x0F;
		extra = 2;
		min = 0x800;
	}
	else if ((c & 0xF8) == 0xF0)
	{
		cp = c & 0x07;
		extra = 3;
		min = 0x10000;
	}
	else
	{
		(*i)++;
		return UTF8_BAD;
	}
	if (*i + extra >= len)
	{
		(*i)++;
		return UTF8_BAD;
	}
	for (int k = 1; k <= extra; k++)
	{
		if ((s[*i + k] & 0xC0) != 0x80)
		{
			(*i)++;
			return UTF8_BAD;
		}
		cp = (cp << 6) | (s[*i + k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
	{
		(*i)++;
		return UTF8_BAD;
	}
	*i += extra + 1;
	return cp;
}

/* Write the UTF-8 form of a valid code point to out (1-4 bytes). */
static inline size_t
utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80)
	{
		out[0] = (char) cp;
		return 1;
	}
	if (cp < 0x800)
	{
		out[0] = (char) (0xC0 | (cp >> 6));
		out[1] = (char) (0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000)
	{
		out[0] = (char) (0xE0 | (cp >> 12));
		out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char) (0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char) (0xF0 | (cp >> 18));
	out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char) (0x80 | (cp & 0x3F));
	return 4;
}

/*
 * The non-ASCII characters an ID number may carry between its digits and
 * that are dropped (spaces and dashes of other scripts): one list for the
 * parser (cnid_parse.c) and the log redaction (redact.c).
 */
static inline int
utf8_is_wide_id_separator(uint32_t cp)
{
	switch (cp)
	{
		case 0x00A0:			/* no-break space */
		case 0x3000:			/* ideographic space */
		case 0x200B:			/* zero width space */
		case 0xFEFF:			/* byte order mark */
		case 0xFF0D:			/* full-width hyphen-minus */
		case 0x2010:			/* hyphen */
		case 0x2011:			/* non-breaking hyphen */
		case 0x2012:			/* figure dash */
		case 0x2013:			/* en dash */
		case 0x2014:			/* em dash */
		case 0x2015:			/* horizontal bar */
		case 0x2212:			/* minus sign */
		case 0xFE63:			/* small hyphen-minus */
			return 1;
		default:
			return 0;
	}
}

#endif							/* UTF8_CODEC_H */
