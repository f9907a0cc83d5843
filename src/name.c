/*
 * name.c
 *		normalize_name(text): the SQL face of name_normalize.c.
 */
#include "medaid.h"

#include "catalog/namespace.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "name_normalize.h"

#define MIDDLE_DOT_B7 "\xC2\xB7"	/* U+00B7 */
#define MIDDLE_DOT_30FB "\xE3\x83\xBB"	/* U+30FB, ・ */

/*
 * Whether the database encoding can hold U+00B7.  Some cannot (EUC_CN has
 * only ・); there the names' middle dots all become ・ instead.  Asked once
 * per encoding; PostgreSQL 13 cannot ask without raising, and says yes.
 */
static bool
middle_dot_is_b7(void)
{
	static int	cached_encoding = -1;
	static bool is_b7 = true;
	int			enc = GetDatabaseEncoding();

	if (enc == cached_encoding)
		return is_b7;
	is_b7 = true;
#if PG_VERSION_NUM >= 140000
	if (enc != PG_UTF8 && enc != PG_SQL_ASCII)
	{
		Oid			proc = FindDefaultConversionProc(PG_UTF8, enc);
		unsigned char buf[16];

		if (OidIsValid(proc) &&
			pg_do_encoding_conversion_buf(proc, PG_UTF8, enc,
										  (unsigned char *) MIDDLE_DOT_B7, 2,
										  buf, sizeof(buf), true) < 2)
			is_b7 = false;
	}
#endif
	cached_encoding = enc;
	return is_b7;
}

PG_FUNCTION_INFO_V1(normalize_name);
/* Full-width to half-width, no white space, one middle dot. */
Datum
normalize_name(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int			len = VARSIZE_ANY_EXHDR(t);
	const char *in = medaid_utf8(VARDATA_ANY(t), &len);
	char	   *out = palloc(NAME_NORMALIZE_MAX((size_t) len) + 1);
	size_t		n = name_normalize(in, (size_t) len, out);

	if (!middle_dot_is_b7() && strstr(out, MIDDLE_DOT_B7) != NULL)
	{
		/* the encoding's own middle dot: 2 bytes become 3 */
		char	   *alt = palloc(n * 2 + 1);
		size_t		o = 0;

		for (size_t i = 0; i < n; i++)
		{
			if (i + 1 < n && memcmp(out + i, MIDDLE_DOT_B7, 2) == 0)
			{
				memcpy(alt + o, MIDDLE_DOT_30FB, 3);
				o += 3;
				i++;
			}
			else
				alt[o++] = out[i];
		}
		alt[o] = '\0';
		out = alt;
		n = o;
	}
	PG_RETURN_TEXT_P(cstring_to_text(pg_any_to_server(out, (int) n, PG_UTF8)));
}
