/*
 * utf8.c
 *		Text in the database encoding as UTF-8, for the parsers that work
 *		on UTF-8 (IDs, names, categories).
 */
#include "medaid.h"

#include "mb/pg_wchar.h"

/*
 * s (len bytes, database encoding) as UTF-8: s itself when the database is
 * UTF-8, else a palloc'd conversion; *len is updated.  Not NUL-terminated
 * in the first case.
 */
const char *
medaid_utf8(const char *s, int *len)
{
	char	   *u;

	if (GetDatabaseEncoding() == PG_UTF8)
		return s;
	u = (char *) pg_do_encoding_conversion((unsigned char *) s, *len,
										   GetDatabaseEncoding(), PG_UTF8);
	if (u != s)
		*len = strlen(u);
	return u;
}
