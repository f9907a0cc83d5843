/*
 * redact.h
 *		Masking of ID-like digit runs in free text, for the server log
 *		(log_redact.c).  Plain C, no PostgreSQL dependency, so it is
 *		unit-tested and fuzzed on its own (test/unit/redact_test.c,
 *		test/unit/redact_fuzz.c).
 *
 * A run is 15 or more digits (ASCII 0-9 or full-width U+FF10..U+FF19),
 * where separators may stand between two digits (those the cnid parser
 * drops, any number of them: white space, U+00A0, U+3000, hyphens and
 * dashes: see redact.c), optionally followed by x, X, U+FF58 or U+FF38
 * (after separators or none).  It is rewritten as its first 6 characters, one '*' per
 * masked character and its last 4 characters; the separators inside it
 * are dropped.  An 18-character number becomes 6 + 8 '*' + 4, as
 * cnid_mask shows it.  The result is never longer than the input and
 * holds no run, so masking is idempotent.
 */
#ifndef REDACT_H
#define REDACT_H

#include <stddef.h>

/* The fewest digits that make a run. */
#define REDACT_MIN_DIGITS 15

/* Whether the NUL-terminated string s holds a run (1) or not (0). */
extern int	contains_id_like_run(const char *s);

/*
 * The length in bytes of the masked form of s, not counting the NUL;
 * never more than strlen(s).
 */
extern size_t redact_id_runs_length(const char *s);

/*
 * Write the masked form of s and a NUL to out, which must hold
 * redact_id_runs_length(s) + 1 bytes (strlen(s) + 1 always suffices).  out
 * may be s itself: the string is then masked in place.  Otherwise out must
 * not overlap s.  Returns the number of runs masked; 0 means out is a copy
 * of s.
 */
extern int	redact_id_runs(const char *s, char *out);

#endif							/* REDACT_H */
