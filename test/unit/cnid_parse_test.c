/*
 * cnid_parse_test.c
 *		Unit test of the PostgreSQL-free ID parser and name normaliser.
 *
 * Prints one TAP line per check and closes with "N passed, N failed";
 * exits non-zero when anything failed.
 */
#include <stdio.h>
#include <string.h>

#include "cnid_parse.h"
#include "name_normalize.h"

#define TODAY 20261124

static int	passed;
static int	failed;

static void
check(int cond, const char *what, const char *input)
{
	if (cond)
		passed++;
	else
		failed++;
	printf("%s %d - %s [%s]\n", cond ? "ok" : "not ok", passed + failed, what, input);
}

/* Expect input to parse to canonical (18 chars) with upgraded flag. */
static void
expect_ok(const char *input, const char *canonical, int upgraded)
{
	cnid_result r;
	char		out[19] = "";

	cnid_parse(input, strlen(input), TODAY, &r);
	if (r.status == CNID_OK)
		cnid_format(r.body, out);
	check(r.status == CNID_OK && strcmp(out, canonical) == 0 &&
		  r.upgraded == upgraded, "valid and canonical", input);
}

/* Expect input to be refused with the given status. */
static void
expect_bad(const char *input, cnid_status status)
{
	cnid_result r;

	cnid_parse(input, strlen(input), TODAY, &r);
	check(r.status == status, cnid_status_code(status), input);
}

static void
expect_name(const char *input, const char *expected)
{
	char		out[256];

	name_normalize(input, strlen(input), out);
	check(strcmp(out, expected) == 0, "normalize_name", input);
}

int
main(void)
{
	cnid_result r;
	char		buf[19];

	/* the standard's own example, born 1880 */
	expect_ok("440524188001010014", "440524188001010014", 0);
	/* lowercase x, full-width digits and letters, spaces, hyphens */
	expect_ok("11010519491231002x", "11010519491231002X", 0);
	expect_ok("11010519491231002X", "11010519491231002X", 0);
	expect_ok("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X", 0);
	expect_ok("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", 0);
	expect_ok(" 110105 19491231 002X ", "11010519491231002X", 0);
	expect_ok("110105\xC2\xA0" "19491231\xE3\x80\x80" "002X", "11010519491231002X", 0);
	expect_ok("110105-19491231-002X", "11010519491231002X", 0);
	expect_ok("110105\xEF\xBC\x8D" "19491231\xEF\xBC\x8D" "002X", "11010519491231002X", 0);
	expect_ok("\xEF\xBB\xBF" "11010519491231002X\r\n", "11010519491231002X", 0);
	/* 15-digit legacy numbers: 19 inserted, check computed */
	expect_ok("110105491231002", "11010519491231002X", 1);
	expect_ok("130503670401001", "130503196704010016", 1);
	/* residence permits and a foreigner's permanent residence number */
	expect_ok("810000199408230021", "810000199408230021", 0);
	expect_ok("830000199201300022", "830000199201300022", 0);
	/* dates at the edges */
	expect_ok("110105180001010010", "110105180001010010", 0);
	expect_ok("110105200002290013", "110105200002290013", 0);
	expect_ok("110105202611240010", "110105202611240010", 0);

	expect_bad("", CNID_EMPTY);
	expect_bad(" - \xE3\x80\x80", CNID_EMPTY);
	expect_bad("11010519491231002A", CNID_BAD_CHARACTER);
	expect_bad("1101051949X231002X", CNID_BAD_CHARACTER);
	expect_bad("11010549123100X", CNID_BAD_CHARACTER);
	expect_bad("110105\xFF" "19491231002X", CNID_BAD_CHARACTER);
	expect_bad("110105\xE3\x80", CNID_BAD_CHARACTER);
	expect_bad("1101051949123100", CNID_LENGTH);
	expect_bad("11010519491231002X1", CNID_LENGTH);
	expect_bad("1", CNID_LENGTH);
	expect_bad("000105194912310021", CNID_PROVINCE);
	expect_bad("990105194912310021", CNID_PROVINCE);
	expect_bad("910105491231002", CNID_PROVINCE);
	expect_bad("937156491231002", CNID_PROVINCE);	/* no 15-digit foreign form */
	expect_bad("110105179912310010", CNID_BIRTH_DATE);
	expect_bad("110105190002290010", CNID_BIRTH_DATE);
	expect_bad("110105194913010010", CNID_BIRTH_DATE);
	expect_bad("110105194900010010", CNID_BIRTH_DATE);
	expect_bad("110105491331002", CNID_BIRTH_DATE);
	expect_bad("110105202611250010", CNID_FUTURE_BIRTH_DATE);
	expect_bad("110105194912310021", CNID_CHECK_CHARACTER);

	/* the details a caller needs */
	cnid_parse("110105194912310021", 18, TODAY, &r);
	check(r.expected_check == 'X' && r.given_check == '1', "expected and given check characters", "110105194912310021");
	check(strcmp(r.masked, "110105********0021") == 0, "mask of the input", r.masked);
	cnid_parse("  11010519491231002A", 20, TODAY, &r);
	check(r.bad_position == 20 && r.bad_char == 'A', "position of the bad character counts raw characters", "  11010519491231002A");
	cnid_parse("abc", 3, TODAY, &r);
	check(strcmp(r.masked, "***") == 0, "short input fully masked", r.masked);

	/* foreigners' numbers: 9, the issuing province, then as usual */
	{
		char		d[19] = "93715619850201001";

		d[17] = cnid_check_char(d);
		d[18] = '\0';
		expect_ok(d, d, 0);
		cnid_parse(d, 18, TODAY, &r);
		check(cnid_body_kind(r.body) == CNID_KIND_FOREIGN, "kind foreign", d);
	}

	/* accessors */
	cnid_parse("11010519491231002X", 18, TODAY, &r);
	check(cnid_body_birth_ymd(r.body) == 19491231, "birth date", "11010519491231002X");
	check(cnid_body_is_male(r.body) == 0, "even sequence is female", "11010519491231002X");
	check(cnid_body_region(r.body) == 110105, "region", "11010519491231002X");
	check(cnid_body_kind(r.body) == CNID_KIND_RESIDENT, "kind resident", "11010519491231002X");
	cnid_format_masked(r.body, buf);
	check(strcmp(buf, "110105********002X") == 0, "display mask", buf);
	check(cnid_validate_body(r.body, TODAY) == CNID_OK, "body validates", "11010519491231002X");
	check(cnid_validate_body(-1, TODAY) != CNID_OK, "negative body refused", "-1");
	check(cnid_validate_body(CNID_BODY_LIMIT, TODAY) != CNID_OK, "body of 18 digits refused", "10^17");

	/* names */
	expect_name("张三", "张三");
	expect_name(" 张 三 ", "张三");
	expect_name("张\xE3\x80\x80三", "张三");
	expect_name("张\xC2\xA0三\t", "张三");
	expect_name("阿不都·热合曼", "阿不都\xC2\xB7热合曼");
	expect_name("阿不都・热合曼", "阿不都\xC2\xB7热合曼");
	expect_name("阿不都•热合曼", "阿不都\xC2\xB7热合曼");
	expect_name("阿不都‧热合曼", "阿不都\xC2\xB7热合曼");
	expect_name("阿不都∙热合曼", "阿不都\xC2\xB7热合曼");
	expect_name("阿不都．热合曼", "阿不都\xC2\xB7热合曼");
	expect_name("阿不都.热合曼", "阿不都\xC2\xB7热合曼");
	expect_name("ＬＩ　Ｍｉｎｇ", "LIMing");
	expect_name("王（小）", "王(小)");
	expect_name("a\xFF" "b", "ab");

	printf("1..%d\n%d passed, %d failed\n", passed + failed, passed, failed);
	return failed != 0;
}
