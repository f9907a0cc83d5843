/*
 * log_redact.c
 *		A backstop against full ID numbers in the server log: an
 *		emit_log_hook that masks ID-like digit runs (redact.c) in every
 *		message written to the log, and leaves out the STATEMENT line when
 *		the statement holds one.
 *
 * PostgreSQL itself quotes values in messages medaid does not control: a
 * unique violation's "Key (...)=(...)", "Failing row contains (...)",
 * COPY's CONTEXT line, the failing statement, log_statement, auto_explain,
 * bind parameters.  The hook catches them all, but only in backends that
 * have loaded medaid: shared_preload_libraries = 'medaid' (every process,
 * postmaster included) or ALTER DATABASE ... SET session_preload_libraries
 * = 'medaid' (sessions of that database).  Otherwise the library loads at
 * the first medaid function a session calls, and what the session logged
 * before is not masked.
 *
 * elog.c's EmitErrorReport() calls the hook, in the context of the error
 * (edata->assoc_context, which is ErrorContext), before it writes to the
 * server log and before it sends the message to the client, and only when
 * output_to_server is set.  So:
 *
 * - message, hint, context and internalquery are masked in place, and the
 *   client gets the masked text too.  The masked form is never longer than
 *   the original, and ErrorData's strings are palloc'd chunks that belong
 *   to the error (elog.c pfrees them afterwards), so masking in place
 *   allocates nothing.  A context the log leaves out (hide_ctx, as cnid_in
 *   sets it) is left alone: the client that sent the value still reads
 *   COPY's line and field as sent.
 * - detail goes to the client, detail_log (when set) or else detail to the
 *   log.  A detail with a run gets a masked copy as detail_log, so the
 *   client still reads PostgreSQL's usual DETAIL and the log does not.
 *   The copy is the hook's one allocation, made with MCXT_ALLOC_NO_OOM; if
 *   it fails, detail is masked in place instead.  A detail_log that is
 *   already set is masked in place.
 * - hide_stmt is set when the statement (debug_query_string) holds a run:
 *   it leaves out the STATEMENT line (and csvlog's and jsonlog's query
 *   field), which is not ours to rewrite.
 *
 * Nothing here calls ereport, which would recurse into error reporting.
 * elog.c says that only clearing output_to_server is a supported change to
 * edata; these edits rely on EmitErrorReport() formatting the fields after
 * the hook returns, as PostgreSQL 13 to 17 do (test/log/run.sh checks
 * every field on the server it runs against).  Hooks installed before
 * medaid's run after it and see the masked text (and, for DETAIL, the
 * client's detail beside the masked detail_log).
 */
#include "medaid.h"

#include "tcop/tcopprot.h"
#include "utils/elog.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "redact.h"


/* medaid.redact_log */
static bool redact_log = true;

static emit_log_hook_type prev_emit_log_hook = NULL;

/* Mask the runs in a palloc'd string in place (it never grows). */
static inline void
redact_in_place(char *s)
{
	if (s != NULL && contains_id_like_run(s))
		(void) redact_id_runs(s, s);
}

static void
medaid_emit_log_hook(ErrorData *edata)
{
	if (redact_log && edata->output_to_server)
	{
		redact_in_place(edata->message);
		if (edata->detail_log != NULL)
			redact_in_place(edata->detail_log);
		else if (edata->detail != NULL && contains_id_like_run(edata->detail))
		{
			MemoryContext cxt = edata->assoc_context ? edata->assoc_context : CurrentMemoryContext;
			char	   *copy;

			copy = MemoryContextAllocExtended(cxt, strlen(edata->detail) + 1,
											  MCXT_ALLOC_NO_OOM);
			if (copy != NULL)
			{
				(void) redact_id_runs(edata->detail, copy);
				edata->detail_log = copy;
			}
			else
				redact_in_place(edata->detail);
		}
		redact_in_place(edata->hint);
		if (!edata->hide_ctx)
			redact_in_place(edata->context);
		redact_in_place(edata->internalquery);
		if (!edata->hide_stmt && debug_query_string != NULL &&
			contains_id_like_run(debug_query_string))
			edata->hide_stmt = true;
	}

	if (prev_emit_log_hook)
		prev_emit_log_hook(edata);
}

/* Define medaid.redact_log and install the hook (from _PG_init). */
void
medaid_log_redact_init(void)
{
	DefineCustomBoolVariable("medaid.redact_log",
							 "Masks ID-like digit runs in messages written to the server log.",
							 "Every run of 15 or more digits becomes its first 6 and last 4 "
							 "characters with '*' between, and statements holding one are "
							 "left out of the log.",
							 &redact_log,
							 true,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("medaid");
#else
	EmitWarningsOnPlaceholders("medaid");
#endif

	prev_emit_log_hook = emit_log_hook;
	emit_log_hook = medaid_emit_log_hook;
}
