/*
 * cnid_fuzz.c
 *		libFuzzer target for the ID parser and the name normaliser.
 *
 * Invariants: nothing crashes or reads out of bounds (ASan, UBSan); an
 * accepted number formats to 18 characters that parse back to the same
 * body; a refused one carries a reason; the mask is short and terminated;
 * normalising a name is idempotent and never grows past its bound.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cnid_parse.h"
#include "name_normalize.h"

#define TODAY 20261124

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cnid_result r;
	cnid_result again;
	char		out[19];
	char	   *name;
	char	   *name2;
	size_t		n;
	size_t		n2;
	char		masked[CNID_MASK_MAX];

	cnid_parse((const char *) data, size, TODAY, &r);
	if (strlen(r.masked) >= CNID_MASK_MAX)
		abort();
	cnid_mask_input((const char *) data, size, masked);
	if (strlen(masked) >= CNID_MASK_MAX)
		abort();
	if (r.status != CNID_OK && strcmp(masked, r.masked) != 0)
		abort();
	if (r.status == CNID_OK)
	{
		if (r.body < 0 || r.body >= CNID_BODY_LIMIT)
			abort();
		cnid_format(r.body, out);
		if (strlen(out) != 18)
			abort();
		cnid_parse(out, 18, TODAY, &again);
		if (again.status != CNID_OK || again.body != r.body || again.upgraded)
			abort();
		if (cnid_validate_body(r.body, TODAY) != CNID_OK)
			abort();
	}
	else if (strcmp(cnid_status_code(r.status), "unknown") == 0)
		abort();

	/* a leading space forces the general path: it must agree with the fast one */
	{
		uint8_t    *spaced = malloc(size + 1);
		cnid_result g;

		spaced[0] = ' ';
		memcpy(spaced + 1, data, size);
		cnid_parse((const char *) spaced, size + 1, TODAY, &g);
		if (g.status != r.status || (r.status == CNID_OK && g.body != r.body) ||
			g.expected_check != r.expected_check || g.given_check != r.given_check)
			abort();
		free(spaced);
	}

	name = malloc(NAME_NORMALIZE_MAX(size) + 1);
	n = name_normalize((const char *) data, size, name);
	if (n > NAME_NORMALIZE_MAX(size) || strlen(name) != n)
		abort();
	name2 = malloc(NAME_NORMALIZE_MAX(n) + 1);
	n2 = name_normalize(name, n, name2);
	if (n2 != n || memcmp(name, name2, n) != 0)
		abort();
	free(name);
	free(name2);
	return 0;
}
