#!/usr/bin/env python3
"""Generate demo/enrollments_2026.csv: the 2026 enrolments (参保) that medical
insurance holds for the demo rosters' people and for ordinary insured
persons (deterministic; synthetic).

The demo register starts in 2026 (the rosters' adds are dated March to
November 2026), so its recipients tell three stories:

- most were already insured as ordinary persons, paid in the concentrated
  payment period before the year (September to December 2025): no subsidy
  for 2026 (a category that starts during the year does not change the
  year's subsidy, 33号 §二), the new category applies from 2027;
- the others enrolled after they were identified, in 2026 (及时纳入参保资助
  范围, 20号 §一): the subsidy of the category they then held;
- about 1.3 % have no enrolment: the suspected uninsured (疑似未参保).

Some enrolled in another county or province, a few in the employee scheme,
a few twice.  Columns: id_number, year, region, enrolled_on, scheme (the
COPY target's; the subsidy is granted by medaid at INSERT).

Rerun with: python3 demo/make_enrollments.py (after demo/make_roster.py).
"""
import csv
import datetime
import random

from demo_ids import check, canonical

rng = random.Random(20260101)
LAST_DAY = datetime.date(2026, 11, 30)





# each recipient's county and the first day of a category (approximately
# what reconciliation applies: rows it sets aside only make a few of these
# people ordinary)
people = {}
for path in ["demo/roster_civil_2026-10.csv", "demo/roster_rural_2026-10.csv", "demo/roster_civil_2026-11.csv"]:
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cid = canonical(row["id_number"])
            if not cid or not row["region"] or not row["name"]:
                continue
            d = datetime.date.fromisoformat(row["event_date"]) if row["event_date"] else datetime.date(2026, 11, 1)
            county, first = people.get(cid, (row["region"], d))
            people[cid] = (county, min(first, d))

counties = []
with open("data/regions/region.csv", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        if row["code"].startswith("37") and row["level"] == "county" and row["is_gbt2260"] == "t":
            counties.append(row["code"])
OTHER_PROVINCES = ["320102", "110105", "440106", "130102"]


def day_between(a, b):
    return a + datetime.timedelta(days=rng.randint(0, max(0, (b - a).days)))


rows = []
for cid, (county, first) in sorted(people.items()):
    r = rng.random()
    if r < 0.013:
        continue                                      # no enrolment: suspected uninsured
    if r < 0.62:
        # insured before being identified: an ordinary enrolment of 2025's period
        on = day_between(datetime.date(2025, 9, 1), datetime.date(2025, 12, 31))
    else:
        # enrolled once identified, with the subsidy of the category then held
        on = min(first + datetime.timedelta(days=rng.randint(1, 20)), LAST_DAY)
    region, scheme = county, "resident"
    s = rng.random()
    if s < 0.05:
        region = rng.choice(counties)                 # insured in another county (migrant worker)
    elif s < 0.06:
        region = rng.choice(OTHER_PROVINCES)          # insured in another province
    elif s < 0.09:
        scheme = "employee"                           # employed: the employee scheme
    rows.append([cid, 2026, region, on.isoformat(), scheme])
    if rng.random() < 0.005:
        # a second enrolment of the year in another county: counted once, no second subsidy
        rows.append([cid, 2026, rng.choice(counties), (on + datetime.timedelta(days=3)).isoformat(), "resident"])

# ordinary insured persons from the same counties
for _ in range(300):
    county = rng.choice(counties)
    body = f"{county}{rng.randint(1940, 2015):04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    cid = body + check(body)
    if cid in people:
        continue
    on = day_between(datetime.date(2025, 9, 1), datetime.date(2025, 12, 31))
    rows.append([cid, 2026, county, on.isoformat(), "resident" if rng.random() > 0.2 else "employee"])

rows.sort(key=lambda r: (r[3], r[0]))
with open("demo/enrollments_2026.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id_number", "year", "region", "enrolled_on", "scheme"])
    w.writerows(rows)
