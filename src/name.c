/*
 * name.c
 *		normalize_name(text): the SQL face of name_normalize.c.
 */
#include "medaid.h"

#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "name_normalize.h"

char *
medaid_text_to_utf8(text *t, int *len)
{
	char	   *s = VARDATA_ANY(t);
	int			n = VARSIZE_ANY_EXHDR(t);
	char	   *u;

	u = (char *) pg_do_encoding_conversion((unsigned char *) s, n,
										   GetDatabaseEncoding(), PG_UTF8);
	if (u == s)
		u = pnstrdup(s, n);
	else
		n = strlen(u);
	*len = n;
	return u;
}

PG_FUNCTION_INFO_V1(normalize_name);
/* Full-width to half-width, no white space, one middle dot. */
Datum
normalize_name(PG_FUNCTION_ARGS)
{
	int			len;
	char	   *in = medaid_text_to_utf8(PG_GETARG_TEXT_PP(0), &len);
	char	   *out = palloc(NAME_NORMALIZE_MAX((size_t) len) + 1);
	size_t		n = name_normalize(in, (size_t) len, out);

	PG_RETURN_TEXT_P(cstring_to_text(pg_any_to_server(out, (int) n, PG_UTF8)));
}
