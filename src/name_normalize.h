/*
 * name_normalize.h
 *		Normalisation of personal names for matching (no PostgreSQL
 *		dependency, so it is unit-tested and fuzzed on its own).
 */
#ifndef NAME_NORMALIZE_H
#define NAME_NORMALIZE_H

#include <stddef.h>

/*
 * The most bytes name_normalize() writes for len bytes of input, not
 * counting the terminating NUL ('.' becomes the two-byte '·').
 */
#define NAME_NORMALIZE_MAX(len) ((len) * 2)

/*
 * Normalise len bytes of UTF-8 from in into out, which must hold
 * NAME_NORMALIZE_MAX(len) + 1 bytes; returns the length written (a NUL
 * follows).  Full-width forms become half-width, all white space is
 * removed, as are control characters, and look-alike middle dots become U+00B7.  Bytes that are not
 * valid UTF-8 are dropped.
 */
extern size_t name_normalize(const char *in, size_t len, char *out);

#endif							/* NAME_NORMALIZE_H */
