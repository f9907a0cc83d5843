/*
 * category.c
 *		The category type: a medical-assistance recipient category, one byte,
 *		ordered from most to least favourable (待遇从优、就高不就低).
 */
#include "medaid.h"

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

typedef struct category_info
{
	const char *slug;
	const char *label;			/* the policy's Chinese name, UTF-8 */
	const char *dept;			/* the department that supplies it */
} category_info;

/* Indexed by the stored value; 1 is the most favourable. */
static const category_info categories[] = {
	{NULL, NULL, NULL},
	{"tekun", "特困人员", "civil_affairs"},
	{"dibao", "低保对象", "civil_affairs"},
	{"fanpin", "返贫致贫人口", "rural"},
	{"dibao_edge", "低保边缘家庭成员", "civil_affairs"},
	{"jiance", "防止返贫监测帮扶对象", "rural"},
	{"zhongbing", "因病致贫重病患者", "civil_affairs"},
};

#define CATEGORY_COUNT 6

#define DatumGetCategory(X)		((uint8) DatumGetChar(X))
#define CategoryGetDatum(X)		CharGetDatum((char) (X))
#define PG_GETARG_CATEGORY(n)	DatumGetCategory(PG_GETARG_DATUM(n))
#define PG_RETURN_CATEGORY(x)	return CategoryGetDatum(x)

/*
 * Look a category up by slug or Chinese name (UTF-8), ignoring surrounding
 * white space; 0 when unknown.
 */
static int
category_lookup(const char *s, int len)
{
	/* trim ASCII white space and U+3000 at both ends */
	for (;;)
	{
		if (len > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n'))
			s++, len--;
		else if (len >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)
			s += 3, len -= 3;
		else
			break;
	}
	for (;;)
	{
		if (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
			len--;
		else if (len >= 3 && memcmp(s + len - 3, "\xE3\x80\x80", 3) == 0)
			len -= 3;
		else
			break;
	}
	for (int i = 1; i <= CATEGORY_COUNT; i++)
	{
		if ((int) strlen(categories[i].slug) == len &&
			pg_strncasecmp(s, categories[i].slug, len) == 0)
			return i;
		if ((int) strlen(categories[i].label) == len &&
			memcmp(s, categories[i].label, len) == 0)
			return i;
	}
	return 0;
}

/* Look up text in the database encoding. */
static int
category_lookup_text(const char *s, int len)
{
	const char *u = medaid_utf8(s, &len);

	return category_lookup(u, len);
}

PG_FUNCTION_INFO_V1(category_in);
/* Text input: a slug (tekun, dibao, ...) or the Chinese name. */
Datum
category_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);
	int			c = category_lookup_text(s, strlen(s));

	if (c == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid category: \"%s\"", s),
				 errdetail("A category is one of tekun, dibao, fanpin, dibao_edge, jiance, zhongbing, or its Chinese name."),
				 errhint("Ordinary insured persons (普通参保人员) hold no category.")));
	PG_RETURN_CATEGORY(c);
}

PG_FUNCTION_INFO_V1(category_out);
/* Text output: the slug. */
Datum
category_out(PG_FUNCTION_ARGS)
{
	int			c = PG_GETARG_CATEGORY(0);

	if (c < 1 || c > CATEGORY_COUNT)
		elog(ERROR, "invalid category value %d", c);
	PG_RETURN_CSTRING(pstrdup(categories[c].slug));
}

PG_FUNCTION_INFO_V1(category_recv);
/* Binary input: one byte, 1 (tekun) to 6 (zhongbing). */
Datum
category_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			c = pq_getmsgbyte(buf);

	if (c < 1 || c > CATEGORY_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary value %d for type category", c)));
	PG_RETURN_CATEGORY(c);
}

PG_FUNCTION_INFO_V1(category_send);
/* Binary output: one byte. */
Datum
category_send(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, PG_GETARG_CATEGORY(0));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(category_from_text);
/* Parse without raising: the category, or NULL when unknown. */
Datum
category_from_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int			c = category_lookup_text(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));

	if (c == 0)
		PG_RETURN_NULL();
	PG_RETURN_CATEGORY(c);
}

PG_FUNCTION_INFO_V1(category_label);
/* The policy's Chinese name. */
Datum
category_label(PG_FUNCTION_ARGS)
{
	const char *l = categories[PG_GETARG_CATEGORY(0)].label;

	PG_RETURN_TEXT_P(cstring_to_text(pg_any_to_server(l, strlen(l), PG_UTF8)));
}

PG_FUNCTION_INFO_V1(category_dept);
/* The department that supplies the category. */
Datum
category_dept(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(categories[PG_GETARG_CATEGORY(0)].dept));
}

PG_FUNCTION_INFO_V1(category_ordinal);
/* Default favourability: 1 (tekun, most favourable) to 6. */
Datum
category_ordinal(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT16((int16) PG_GETARG_CATEGORY(0));
}

#define CATEGORY_CMP_FUNC(name, op) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(PG_GETARG_CATEGORY(0) op PG_GETARG_CATEGORY(1)); \
}

CATEGORY_CMP_FUNC(category_eq, ==)
CATEGORY_CMP_FUNC(category_ne, !=)
CATEGORY_CMP_FUNC(category_lt, <)
CATEGORY_CMP_FUNC(category_le, <=)
CATEGORY_CMP_FUNC(category_gt, >)
CATEGORY_CMP_FUNC(category_ge, >=)

PG_FUNCTION_INFO_V1(category_cmp);
/* btree support 1. */
Datum
category_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32((int32) PG_GETARG_CATEGORY(0) - (int32) PG_GETARG_CATEGORY(1));
}

PG_FUNCTION_INFO_V1(category_hash);
/* hash support 1. */
Datum
category_hash(PG_FUNCTION_ARGS)
{
	return hash_uint32((uint32) PG_GETARG_CATEGORY(0));
}

PG_FUNCTION_INFO_V1(category_hash_extended);
/* hash support 2. */
Datum
category_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_uint32_extended((uint32) PG_GETARG_CATEGORY(0),
								(uint64) PG_GETARG_INT64(1));
}

PG_FUNCTION_INFO_V1(category_better);
/* The more favourable of two (transition and combine of best_category). */
Datum
category_better(PG_FUNCTION_ARGS)
{
	int			a = PG_GETARG_CATEGORY(0);
	int			b = PG_GETARG_CATEGORY(1);

	PG_RETURN_CATEGORY(a < b ? a : b);
}

/*
 * best_category(category, rank): the state is rank * 16 + category, an
 * int4, so combining is int4smaller and the state needs no serialisation.
 * A NULL rank falls back to the default order.
 */
PG_FUNCTION_INFO_V1(category_rank_step);
/* best_category(category, rank) transition. */
Datum
category_rank_step(PG_FUNCTION_ARGS)
{
	int32		candidate;
	int32		rank;
	int			c;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_INT32(PG_GETARG_INT32(0));
	}
	c = PG_GETARG_CATEGORY(1);
	rank = PG_ARGISNULL(2) ? c : PG_GETARG_INT32(2);
	if (rank < 0 || rank > 100000000)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("category rank %d is out of range", rank),
				 errdetail("Ranks run from 0 to 100000000; lower is more favourable.")));
	candidate = rank * 16 + c;
	if (PG_ARGISNULL(0) || candidate < PG_GETARG_INT32(0))
		PG_RETURN_INT32(candidate);
	PG_RETURN_INT32(PG_GETARG_INT32(0));
}

PG_FUNCTION_INFO_V1(category_rank_final);
/* best_category(category, rank) final: the category in the state. */
Datum
category_rank_final(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_CATEGORY(PG_GETARG_INT32(0) % 16);
}
