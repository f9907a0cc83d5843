/*
 * utf8.c
 *		Text in the database encoding as UTF-8, for the parsers that work
 *		on UTF-8 (IDs, names, categories).
 */
#include "medaid.h"

#include "mb/pg_wchar.h"

/*
 * s (len bytes, database encoding) as UTF-8: s itself when the database is
 * UTF-8 or SQL_ASCII, else a palloc'd conversion; *len is updated.  Not NUL-terminated
 * in the first case.
 */
const char *
medaid_utf8(const char *s, int *len)
{
	char	   *u;

	/*
	 * SQL_ASCII declares no encoding: its bytes go to the parsers as they
	 * are (bad UTF-8 is a bad character there), not through a conversion
	 * that would verify them and raise 22021 from functions that never
	 * raise.
	 */
	if (GetDatabaseEncoding() == PG_UTF8 || GetDatabaseEncoding() == PG_SQL_ASCII)
		return s;
	u = (char *) pg_do_encoding_conversion((unsigned char *) s, *len,
										   GetDatabaseEncoding(), PG_UTF8);
	if (u != s)
		*len = strlen(u);
	return u;
}
