/*
 * name_normalize.c
 *		Normalisation of personal names for matching: see name_normalize.h.
 */
#include "name_normalize.h"

#include <stdint.h>

#define MIDDLE_DOT 0x00B7

/* Decode one code point at in[*i]; returns 0xFFFFFFFF for a bad byte. */
static uint32_t
decode(const unsigned char *in, size_t len, size_t *i)
{
	unsigned char c = in[*i];
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
		return 0xFFFFFFFFu;
	}
	if (*i + extra >= len)
	{
		(*i)++;
		return 0xFFFFFFFFu;
	}
	for (int k = 1; k <= extra; k++)
	{
		if ((in[*i + k] & 0xC0) != 0x80)
		{
			(*i)++;
			return 0xFFFFFFFFu;
		}
		cp = (cp << 6) | (in[*i + k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
	{
		(*i)++;
		return 0xFFFFFFFFu;
	}
	*i += extra + 1;
	return cp;
}

/* Unicode White_Space, and the zero-width characters that hide in names. */
static int
is_space(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 ||
		cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) ||
		cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
		cp == 0x2060 || cp == 0x3000 || cp == 0xFEFF;
}

/* Look-alikes of the middle dot that separates parts of minority names. */
static int
is_middle_dot(uint32_t cp)
{
	switch (cp)
	{
		case 0x002E:			/* . full stop */
		case 0x00B7:			/* · middle dot */
		case 0x0387:			/* · Greek ano teleia */
		case 0x2022:			/* • bullet */
		case 0x2024:			/* ․ one dot leader */
		case 0x2027:			/* ‧ hyphenation point */
		case 0x2219:			/* ∙ bullet operator */
		case 0x22C5:			/* ⋅ dot operator */
		case 0x30FB:			/* ・ katakana middle dot */
		case 0xFE52:			/* ﹒ small full stop */
		case 0xFF0E:			/* ． full-width full stop */
		case 0xFF65:			/* ･ half-width katakana middle dot */
			return 1;
		default:
			return 0;
	}
}

static size_t
encode(uint32_t cp, char *out)
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

size_t
name_normalize(const char *in, size_t len, char *out)
{
	const unsigned char *s = (const unsigned char *) in;
	size_t		i = 0;
	size_t		o = 0;

	while (i < len)
	{
		uint32_t	cp = decode(s, len, &i);

		if (cp == 0xFFFFFFFFu || is_space(cp) || cp < 0x20 || cp == 0x7F)
			continue;			/* bad bytes, white space, control characters */
		if (is_middle_dot(cp))
			cp = MIDDLE_DOT;
		else if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;		/* full-width ASCII forms */
		o += encode(cp, out + o);
	}
	out[o] = '\0';
	return o;
}
