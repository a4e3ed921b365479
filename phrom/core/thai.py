"""Thai conventions: Buddhist Era years and dates, Thai collation."""

from __future__ import annotations

import datetime as dt

BE_OFFSET = 543
THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
LEADING_VOWELS = "เแโใไ"


def be_year(year_ce: int) -> int:
    return year_ce + BE_OFFSET


def thai_date(value: dt.date, *, short: bool = False) -> str:
    """``25 พฤศจิกายน 2569`` (or ``25 พ.ย. 2569``)."""
    months = THAI_MONTHS_SHORT if short else THAI_MONTHS
    return f"{value.day} {months[value.month - 1]} {be_year(value.year)}"


def thai_sort_key(text: str) -> str:
    """A key that sorts Thai words as a Thai dictionary does.

    Leading vowels (เ แ โ ใ ไ) are written before the consonant they follow in speech;
    dictionary order ignores them at first, so the consonant is moved in front.
    """
    chars = list(text)
    out: list[str] = []
    i = 0
    while i < len(chars):
        c = chars[i]
        if c in LEADING_VOWELS and i + 1 < len(chars):
            out.append(chars[i + 1])
            out.append(c)
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)
