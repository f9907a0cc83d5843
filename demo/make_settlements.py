#!/usr/bin/env python3
"""Generate demo/settlements_2026.csv: a year of settlements for the demo
rosters' people and for ordinary insured persons (deterministic; synthetic).

Heavy-tailed costs (most visits small, a few very large), basic-insurance
and critical-illness payments, and some reversals (冲销) of earlier rows.
Rerun with: python3 demo/make_settlements.py (after demo/make_roster.py).
"""
import csv
import datetime
import random

from demo_ids import check, canonical

rng = random.Random(2026)





people = {}
for path in ["demo/roster_civil_2026-10.csv", "demo/roster_rural_2026-10.csv"]:
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cid = canonical(row["id_number"])
            if cid and row["region"]:
                people.setdefault(cid, row["region"])
# ordinary insured persons, from the same counties
counties = sorted(set(people.values()))
for i in range(400):
    body = f"{rng.choice(counties)}{rng.randint(1940, 2015):04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    people.setdefault(body + check(body), body[:6])

rows = []
n = 0
for cid, county in sorted(people.items()):
    visits = rng.choice([0, 0, 1, 1, 2, 3, 4, 6, 8])
    for _ in range(visits):
        n += 1
        day = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 333))
        total = round(min(rng.lognormvariate(7.6, 1.5), 600000), 2)
        fund = round(total * rng.uniform(0.45, 0.7), 2)
        critical = round(max(0.0, (total - fund - 15000) * 0.6), 2) if total > 30000 else 0.0
        assist = round((total - fund - critical) * rng.choice([0, 0, 0.5, 0.7]), 2)
        # a few treated away from home: insured place elsewhere in Shandong
        region = county if rng.random() > 0.05 else rng.choice(counties)
        sid = f"S2026{n:06d}"
        rows.append([sid, cid, day.isoformat(), region, f"{total:.2f}", f"{fund:.2f}", f"{critical:.2f}", f"{assist:.2f}", ""])
        if rng.random() < 0.03:
            later = day + datetime.timedelta(days=rng.randint(0, 20))
            if later.year == 2026:
                rows.append([sid + "R", cid, later.isoformat(), region, f"{-total:.2f}", f"{-fund:.2f}",
                             f"{-critical:.2f}", f"{-assist:.2f}", sid])

rows.sort(key=lambda r: (r[2], r[0]))
with open("demo/settlements_2026.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["settlement_id", "id_number", "settle_date", "region", "total", "fund_paid",
                "critical_paid", "assistance_paid", "reverses"])
    w.writerows(rows)
