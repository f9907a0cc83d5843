/*
 * redact_sql.c
 *		medaid.mask_id_runs(text): the log redaction scanner (redact.c) as
 *		an SQL function, for free text a caller sets that medaid stores
 *		(mark_reviewed's note, application_name in medaid.audit_log).
 *
 * The scanner works on UTF-8.  In a UTF-8 or SQL_ASCII database the text
 * is masked as it is; otherwise it is converted to UTF-8, masked, and
 * converted back (the masked form adds only '*', which every server
 * encoding has).
 */
#include "medaid.h"

#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "redact.h"

PG_FUNCTION_INFO_V1(mask_id_runs);

Datum
mask_id_runs(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int			len = VARSIZE_ANY_EXHDR(t);
	const char *u;
	char	   *in;
	char	   *out;
	char	   *result;

	u = medaid_utf8(VARDATA_ANY(t), &len);
	in = pnstrdup(u, len);		/* NUL-terminated (text holds no NUL) */
	if (!contains_id_like_run(in))
		PG_RETURN_TEXT_P(t);
	out = palloc(redact_id_runs_length(in) + 1);
	(void) redact_id_runs(in, out);
	result = out;
	if (GetDatabaseEncoding() != PG_UTF8 && GetDatabaseEncoding() != PG_SQL_ASCII)
		result = (char *) pg_do_encoding_conversion((unsigned char *) out, strlen(out),
													PG_UTF8, GetDatabaseEncoding());
	PG_RETURN_TEXT_P(cstring_to_text(result));
}
