/*
 * medaid.h
 *		Declarations shared by the PostgreSQL-facing files of medaid.
 */
#ifndef MEDAID_H
#define MEDAID_H

#include "postgres.h"
#include "fmgr.h"

#include "cnid_parse.h"

/* A cnid Datum holds the 17-digit body as an int64, passed by value. */
#define DatumGetCnid(X)		((int64) DatumGetInt64(X))
#define CnidGetDatum(X)		Int64GetDatum(X)
#define PG_GETARG_CNID(n)	DatumGetCnid(PG_GETARG_DATUM(n))
#define PG_RETURN_CNID(x)	return CnidGetDatum(x)

/* Version byte that starts the binary (send/recv) form of a cnid. */
#define CNID_BINARY_VERSION 1

/* Today in the session's time zone, as yyyymmdd (cnid.c). */
extern int32 medaid_today_ymd(void);

/* Text in the database encoding as UTF-8, converted only when needed (utf8.c). */
extern const char *medaid_utf8(const char *s, int *len);

/* medaid.redact_log and the log redaction hook (log_redact.c). */
extern void medaid_log_redact_init(void);

#endif							/* MEDAID_H */
