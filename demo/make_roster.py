#!/usr/bin/env python3
"""Generate the demo rosters (deterministic; synthetic people only):

- demo/roster_civil_2026-10.csv: civil affairs' October delta push, with
  the mess real rosters have (15-digit, full-width, spaced IDs, typos, the
  same person twice, the same ID under two names, late rows);
- demo/roster_rural_2026-10.csv: rural revitalisation's October delta
  push, some people also on the civil-affairs roster;
- demo/roster_civil_2026-11.csv: civil affairs' November snapshot.

Rerun with: python3 demo/make_roster.py
"""
import csv
import random

from demo_ids import check
import sys

rng = random.Random(20261124)



counties = []
with open("data/regions/region.csv", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        if row["code"].startswith("37") and row["level"] == "county" and row["is_gbt2260"] == "t":
            counties.append(row["code"])

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志文海波宁博凤云梅琴兰珍"
MINORITY = ["阿不都{}热合曼", "买买提{}吐尔逊", "古丽{}艾买提", "热依拉{}阿布都"]
DOTS = ["·", "・", "•", ".", "．", "∙"]
CATEGORIES = ["tekun", "dibao", "dibao", "dibao", "dibao_edge", "zhongbing", "特困人员", "低保对象"]


def name():
    if rng.random() < 0.05:
        return rng.choice(MINORITY).format("·")
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))


def person():
    county = rng.choice(counties) if rng.random() > 0.03 else rng.choice(["370181", "371202", "372301"])
    y = rng.randint(1930, 2022)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    seq = rng.randint(0, 999)
    body = f"{county}{y:04d}{m:02d}{d:02d}{seq:03d}"
    return body, body + check(body)


FW = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")


def mess(body, full):
    r = rng.random()
    if r < 0.70:
        return full, "clean"
    if r < 0.76 and 1900 <= int(body[6:10]) <= 1999:
        return body[:6] + body[8:], "legacy15"
    if r < 0.80:
        return full.lower() if full.endswith("X") else " " + full + " ", "case/space"
    if r < 0.83:
        return full.translate(FW), "fullwidth"
    if r < 0.86:
        return f"{full[:6]}-{full[6:14]}-{full[14:]}", "hyphens"
    if r < 0.88:
        return f"{full[:6]}\u3000{full[6:]}", "ideographic space"
    if r < 0.91:
        i = rng.randint(6, 16)
        return full[:i] + str((int(full[i]) + rng.randint(1, 9)) % 10) + full[i + 1:], "typo"
    if r < 0.93:
        return full[:rng.randint(10, 17)], "truncated"
    if r < 0.95:
        return full[:10] + "13" + full[12:], "bad month"
    if r < 0.96:
        return "00" + full[2:], "bad province"
    if r < 0.97:
        return full[:8] + "O" + full[9:], "letter O"
    if r < 0.98:
        return "", "empty"
    return full[:6] + "2099" + full[10:], "future"


rows = []
people = []
for i in range(600):
    body, full = person()
    nm = name()
    people.append((nm, body, full))
    raw, _ = mess(body, full)
    rows.append([nm, raw, body[:6]])
# the same person sent again: as 15 digits, with spaces in the name,
# with another dot, and the same ID under another name
for nm, body, full in rng.sample(people, 30):
    if 1900 <= int(body[6:10]) <= 1999:
        rows.append([nm, body[:6] + body[8:], body[:6]])
    else:
        rows.append([" ".join(nm), full, body[:6]])
for nm, body, full in [p for p in people if "·" in p[0]][:6]:
    rows.append([nm.replace("·", rng.choice(DOTS)), full, body[:6]])
for nm, body, full in rng.sample(people, 8):
    rows.append([name(), full, body[:6]])

HEADER = ["row_no", "name", "id_number", "category", "event", "event_date", "region"]


def write(path, out_rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for i, row in enumerate(out_rows, 1):
            w.writerow([i] + row)


civil = []
for nm, raw, county in rows:
    # a few late rows: the department decided months ago
    month = 10 if rng.random() > 0.05 else rng.randint(3, 9)
    civil.append([nm, raw, rng.choice(CATEGORIES), "add", f"2026-{month:02d}-{rng.randint(1, 28):02d}", county])
write("demo/roster_civil_2026-10.csv", civil)

# rural: its own people, and some civil-affairs recipients also monitored
rural = []
for nm, body, full in rng.sample(people, 60):
    rural.append([nm, full, rng.choice(["jiance", "fanpin", "防止返贫监测帮扶对象"]), "add",
                  f"2026-10-{rng.randint(1, 28):02d}", body[:6]])
for _ in range(140):
    body, full = person()
    rural.append([name(), full, rng.choice(["jiance", "jiance", "fanpin"]), "add",
                  f"2026-10-{rng.randint(1, 28):02d}", body[:6]])
rural.append([people[0][0], people[0][2], "dibao", "add", "2026-10-03", people[0][1][:6]])  # wrong department
rural.append(["", people[1][2], "jiance", "add", "2026-10-03", people[1][1][:6]])          # no name
write("demo/roster_rural_2026-10.csv", rural)

# November snapshot of civil affairs: most confirmed, some dropped, some
# changed category, some new
snapshot = []
for nm, raw, county in rows[:600]:
    r = rng.random()
    if r < 0.05:
        continue                                   # omitted: exits
    cat = rng.choice(CATEGORIES) if r < 0.10 else None
    snapshot.append([nm, raw, cat, "", "", county])
for _ in range(25):
    body, full = person()
    snapshot.append([name(), full, rng.choice(CATEGORIES), "", f"2026-11-{rng.randint(1, 28):02d}", body[:6]])
# categories as first sent, so confirmed rows carry the October category
first_cat = {}
for nm, raw, cat, ev, d, county in civil:
    first_cat.setdefault(raw, cat)
snapshot = [[nm, raw, cat if cat else first_cat.get(raw, "dibao"), ev, d, county]
            for nm, raw, cat, ev, d, county in snapshot]
write("demo/roster_civil_2026-11.csv", snapshot)
