/*
 * medaid.c
 *		The module: its magic block, and what loading it sets up.
 *
 * The SQL-callable functions live one concern per file: the ID type
 * (cnid.c over the PostgreSQL-free parser cnid_parse.c), names (name.c
 * over name_normalize.c), categories (category.c), the annual_burden
 * aggregate (burden.c), the stored burden states (burden_state.c), exact
 * yuan and fen (fen.c), and the log redaction hook (log_redact.c over the
 * scanner redact.c).
 */
#include "medaid.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* Called when the library is loaded (first use, or a preload setting). */
void
_PG_init(void)
{
	medaid_log_redact_init();
}
