"""ID-number helpers shared by the demo data generators (demo/make_*.py)."""
import datetime

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check(body):
    """The check character of a 17-digit body (ISO 7064 MOD 11-2)."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]


def valid_date(body):
    try:
        d = datetime.date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        return False
    return datetime.date(1800, 1, 1) <= d <= datetime.date(2026, 11, 24)


def canonical(raw):
    """The 18-character ID medaid would read from a roster field, or None."""
    s = "".join(ch for ch in raw if ch not in " -\u3000\u00a0\uff0d")
    s = s.translate(str.maketrans("０１２３４５６７８９ｘＸx", "0123456789XXX"))
    if len(s) == 15 and s.isdigit():
        body = s[:6] + "19" + s[6:]
        return body + check(body) if valid_date(body) and body[:2] == "37" else None
    if len(s) == 18 and s[:17].isdigit() and s[17] in "0123456789X" and check(s[:17]) == s[17]:
        return s if valid_date(s) and s[:2] == "37" else None
    return None
