/*
 * redact_test.c
 *		Unit test of the log redaction scanner (src/redact.c).
 *
 * Prints one TAP line per check and closes with "N passed, N failed";
 * exits non-zero when anything failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cnid_parse.h"
#include "redact.h"

static int	passed;
static int	failed;

/* Print s with control characters escaped, so each check is one line. */
static void
print_escaped(const char *s)
{
	for (; *s; s++)
	{
		if ((unsigned char) *s < 0x20 || *s == 0x7F)
			printf("\\x%02X", (unsigned char) *s);
		else
			putchar(*s);
	}
}

static void
check(int cond, const char *what, const char *input)
{
	if (cond)
		passed++;
	else
		failed++;
	printf("%s %d - %s [", cond ? "ok" : "not ok", passed + failed, what);
	print_escaped(input);
	printf("]\n");
}

/*
 * Expect input to mask to expected with the given number of runs: into a
 * fresh buffer, in place, and with the length function agreeing; masking
 * the result again changes nothing.
 */
static void
expect_mask(const char *input, const char *expected, int runs)
{
	size_t		len = strlen(input);
	char	   *out = malloc(len + 1);
	char	   *inplace = malloc(len + 1);
	char	   *again = malloc(len + 1);
	int			n;
	int			n2;
	int			n3;

	n = redact_id_runs(input, out);
	memcpy(inplace, input, len + 1);
	n2 = redact_id_runs(inplace, inplace);
	n3 = redact_id_runs(out, again);
	if (strcmp(out, expected) != 0)
	{
		printf("# got      [");
		print_escaped(out);
		printf("]\n# expected [");
		print_escaped(expected);
		printf("]\n");
	}
	check(strcmp(out, expected) == 0 && n == runs, "masked", input);
	check(strcmp(inplace, expected) == 0 && n2 == runs, "masked in place", input);
	check(redact_id_runs_length(input) == strlen(expected), "length", input);
	check(contains_id_like_run(input) == (runs > 0), "contains_id_like_run", input);
	check(n3 == 0 && strcmp(again, out) == 0 && !contains_id_like_run(out),
		  "idempotent", input);
	free(out);
	free(inplace);
	free(again);
}

/* Expect input to come back unchanged. */
static void
expect_same(const char *input)
{
	expect_mask(input, input, 0);
}

/*
 * Every spelling of an ID the parser (cnid_parse.c) accepts, in running
 * text, is masked: the ID with each of the parser's separators, one to
 * three in a row, between every two characters, full-width or not.
 */
static void
check_parser_spellings(void)
{
	static const char *const seps[] = {
		" ", "\t", "\n", "\r", "\v", "\f", "-", "\xC2\xA0", "\xE3\x80\x80", "\xE2\x80\x8B",
		"\xEF\xBB\xBF", "\xEF\xBC\x8D", "\xE2\x80\x90", "\xE2\x80\x91", "\xE2\x80\x92",
		"\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95", "\xE2\x88\x92", "\xEF\xB9\xA3",
	};
	static const char *const ids[] = {"11010519491231002X", "110101199003077782", "110105491231002"};
	int			bad = 0;
	int			tried = 0;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		for (size_t k = 0; k < sizeof(seps) / sizeof(seps[0]); k++)
			for (int reps = 1; reps <= 3; reps++)
				for (int wide = 0; wide <= 1; wide++)
				{
					char		in[512];
					char		out[512];
					size_t		n = 0;
					cnid_result r;

					n += (size_t) sprintf(in + n, "note: ");
					for (const char *c = ids[i]; *c; c++)
					{
						if (c != ids[i])
							for (int j = 0; j < reps; j++)
								n += (size_t) sprintf(in + n, "%s", seps[k]);
						if (wide && *c >= '0' && *c <= '9')
							n += (size_t) sprintf(in + n, "\xEF\xBC%c", (char) (0x90 + *c - '0'));
						else
							in[n++] = *c;
					}
					in[n] = '\0';
					tried++;
					if (cnid_parse(in + 6, strlen(in + 6), 20991231, &r) != CNID_OK)
					{
						bad++;
						check(0, "the parser accepts the spelling", in);
						continue;
					}
					if (redact_id_runs(in, out) != 1 || strncmp(out, "note: ", 6) != 0 ||
						strspn(out + 6, "0123456789X*\xEF\xBC\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99")
						!= strlen(out + 6))
					{
						bad++;
						check(0, "a spelling the parser accepts is masked", in);
					}
				}
	printf("# %d spellings the parser accepts\n", tried);
	check(bad == 0, "every spelling the parser accepts is masked, with nothing of it left", "");
}

int
main(void)
{
	/* 18 digits, 17 + X in both cases, 15 digits */
	expect_mask("370102198001010011", "370102********0011", 1);
	expect_mask("11010519491231002X", "110105********002X", 1);
	expect_mask("11010519491231002x", "110105********002x", 1);
	expect_mask("110105491231002", "110105*****1002", 1);
	/* 14 digits (and 14 with an X) are left alone; 16, 17, 19 are masked */
	expect_same("11010549123100");
	expect_same("11010549123100X");
	expect_same("11010549123100 X");
	expect_mask("1101054912310021", "110105******0021", 1);
	expect_mask("11010519491231002", "110105*******1002", 1);
	expect_mask("1101051949123100219", "110105*********0219", 1);
	/* in running text, the way PostgreSQL quotes values */
	expect_mask("Key (id_number)=(370102198001010011) already exists.",
				"Key (id_number)=(370102********0011) already exists.", 1);
	expect_mask("Failing row contains (X5, 440524188001010014, 2026-03-10, 370103, 1.001).",
				"Failing row contains (X5, 440524********0014, 2026-03-10, 370103, 1.001).", 1);
	expect_mask("COPY t, line 2: \"S7a\t370102198001010011\tdibao\"",
				"COPY t, line 2: \"S7a\t370102********0011\tdibao\"", 1);
	/* a number in the column before, parted by a tab only, joins the run */
	expect_mask("COPY t, line 2: \"7\t370102198001010011\tdibao\"",
				"COPY t, line 2: \"737010*********0011\tdibao\"", 1);
	expect_mask("statement: SELECT '11010519491231002X'::cnid",
				"statement: SELECT '110105********002X'::cnid", 1);
	expect_mask("id=370102198001010011;", "id=370102********0011;", 1);
	/* letters around the run do not protect it */
	expect_mask("a370102198001010011b", "a370102********0011b", 1);
	/* an X only ends a run of 15 or more; what follows it is kept */
	expect_mask("11010519491231002Xy", "110105********002Xy", 1);
	expect_mask("370102198001010011X5", "370102*********011X5", 1);
	/* full-width digits and letters, kept as they were */
	expect_mask("１１０１０５１９４９１２３１００２Ｘ", "１１０１０５********００２Ｘ", 1);
	expect_mask("１１０１０５１９４９１２３１００２ｘ", "１１０１０５********００２ｘ", 1);
	expect_mask("110105１９４９１２３１002X", "110105********002X", 1);
	expect_same("１１０１０５４９１２３１００");
	/* single separators inside a run are dropped */
	expect_mask("110105 19491231 002X", "110105********002X", 1);
	expect_mask("110105-19491231-002X", "110105********002X", 1);
	expect_mask("110105\xC2\xA0" "19491231\xE3\x80\x80" "002X", "110105********002X", 1);
	expect_mask("110105\xEF\xBC\x8D" "19491231\xEF\xBC\x8D" "002X", "110105********002X", 1);
	expect_mask("110105\xE2\x80\x93" "19491231\xE2\x80\x8B" "002X", "110105********002X", 1);
	/*
	 * every separator the parser drops joins a run, tab and newline too (a
	 * CSV field may hold them): COPY's numeric columns next to each other
	 * are masked together
	 */
	expect_mask("110105\t19491231002X", "110105********002X", 1);
	expect_mask("1101051949\n1231002X", "110105********002X", 1);
	expect_mask("110105\r\n19491231\v\f002X", "110105********002X", 1);
	expect_mask("20260310\t370103\t1001", "202603********1001", 1);
	expect_same("20260310\t370103");
	expect_mask("1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 X", "110105********002X", 1);
	expect_mask("11010519491231002 X", "110105********002X", 1);
	/* a separator outside the run stays */
	expect_mask(" 370102198001010011 ", " 370102********0011 ", 1);
	expect_mask("-370102198001010011-", "-370102********0011-", 1);
	/* separators in a row are separators too (the parser accepts them) */
	expect_mask("110101  19900307  7782", "110101********7782", 1);
	expect_mask("1101051949  1231002X", "110105********002X", 1);
	expect_mask("11010519 - 491231002X", "110105********002X", 1);
	expect_mask("110105 \xE3\x80\x80-19491231 \t 002 - X", "110105********002X", 1);
	expect_mask("110105-1949-1231002  X", "110105********002X", 1);
	expect_same("2026-03-10 12:00:00.123456+08");
	expect_same("110105-1949-1231 X");
	/* two numbers in one message, and the numbers next to them */
	expect_mask("(370102198001010011, 11010519491231002X)",
				"(370102********0011, 110105********002X)", 2);
	expect_mask("370102198001010011,110105491231002", "370102********0011,110105*****1002", 2);
	expect_mask("370102198001010011;110105491231002", "370102********0011;110105*****1002", 2);
	/* separators join two numbers into one run */
	expect_mask("370102198001010011 110105491231002",
				"370102***********************1002", 1);
	expect_mask("370102198001010011  110105491231002",
				"370102***********************1002", 1);
	/* masks already present stay as they are */
	expect_same("370102********0011");
	expect_same("１１０１０５********００２Ｘ");
	/* a long number of another kind is masked too */
	expect_mask("burden 10000000000000000 is out of range", "burden 100000*******0000 is out of range", 1);
	/* invalid UTF-8 is copied and ends a run */
	expect_same("\xFF\xFE");
	expect_same("3701021980\xFF" "01010011");
	expect_mask("\xC0" "370102198001010011\xE3\x80", "\xC0" "370102********0011\xE3\x80", 1);
	expect_mask("370102198001010011\xEF\xBC", "370102********0011\xEF\xBC", 1);
	expect_same("\xEF\xBC\x91\xEF\xBC");
	/* a truncated full-width digit is not a digit */
	expect_same("37010219800101\xEF\xBC");
	expect_mask("37010219800101\xEF\xBC\x91", "370102*****101\xEF\xBC\x91", 1);
	/* a surrogate and an overlong form are not separators */
	expect_same("3701021980\xED\xA0\x80" "01010011");
	expect_same("3701021980\xC0\xA0" "01010011");
	/* empty and short */
	expect_same("");
	expect_same("1");
	expect_same("X");
	expect_same("no digits here");
	expect_same("张三 身份证号码");
	/* whatever spelling of an ID the parser accepts is masked */
	check_parser_spellings();

	/* a very long run */
	{
		char		in[1001];
		char		want[1001];

		memset(in, '7', 1000);
		in[1000] = '\0';
		memset(want, '*', 1000);
		memcpy(want, "777777", 6);
		memcpy(want + 996, "7777", 4);
		want[1000] = '\0';
		expect_mask(in, want, 1);
	}

	printf("1..%d\n%d passed, %d failed\n", passed + failed, passed, failed);
	return failed != 0;
}
