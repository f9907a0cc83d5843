/*
 * name_normalize.c
 *		Normalisation of personal names for matching: see name_normalize.h.
 */
#include "name_normalize.h"
#include "utf8_codec.h"

#include <stdint.h>

#define MIDDLE_DOT 0x00B7

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

size_t
name_normalize(const char *in, size_t len, char *out)
{
	const unsigned char *s = (const unsigned char *) in;
	size_t		i = 0;
	size_t		o = 0;

	while (i < len)
	{
		uint32_t	cp = utf8_decode(s, len, &i);

		if (cp == UTF8_BAD || is_space(cp) || cp < 0x20 || cp == 0x7F)
			continue;			/* bad bytes, white space, control characters */
		if (is_middle_dot(cp))
			cp = MIDDLE_DOT;
		else if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;		/* full-width ASCII forms */
		o += utf8_encode(cp, out + o);
	}
	out[o] = '\0';
	return o;
}
