"""Dates and times as CSV exports write them, read without guessing.

ISO 8601 is read as is. Numeric dates with the year last (``31/01/2026``, ``01/31/2026``,
``31.01.2026``) need a day/month order; it is decided once per file from the values that
settle it (a first number above 12 means day-first) and never guessed: when every value in
the file could be read both ways, the user says which with ``--date-order``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

DATE_ORDERS = ("dmy", "mdy", "ymd")
ORDER_WORDS = {"dmy": "day-first", "mdy": "month-first", "ymd": "year-first"}

_NUMERIC = re.compile(r"(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})\.?(?:(?:\s+|T)(.+))?$")
_DAY_MONTH_YEAR = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th)?[\s\-./]*([a-z]{3,9})\.?,?[\s\-./]*(\d{4}|\d{2})"
    r"(?:,?(?:\s+|T)(.+))?$",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    r"([a-z]{3,9})\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?:,?\s+(.+))?$", re.IGNORECASE
)
_WEEKDAY = re.compile(r"(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_TIME = re.compile(
    r"(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?\s*([ap])?\.?(?:m\.?)?\s*"
    r"(z|utc|gmt|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


class DateError(ValueError):
    """A value that is not a date; the message says why in plain words."""


class OrderNeeded(DateError):
    """A numeric date read without a day/month order (the file-level message explains)."""


@dataclass(frozen=True)
class DateSample:
    """A date value whose reading depends on the day/month order, and where it is."""

    line: int
    column: str
    text: str


def order_evidence(text: str) -> str | None:
    """``'dmy'`` or ``'mdy'`` when the value settles the order, ``'either'`` when it could
    be read both ways, ``None`` when its reading does not depend on the order."""
    match = _NUMERIC.match(text.strip())
    if not match or len(match.group(1)) > 2:
        return None
    first, second = int(match.group(1)), int(match.group(3))
    if first > 12 >= second:
        return "dmy"
    if second > 12 >= first:
        return "mdy"
    return "either" if first <= 12 and second <= 12 else None


def needs_order(text: str) -> bool:
    """True when the value is a numeric date without a leading four-digit year."""
    match = _NUMERIC.match(text.strip())
    return match is not None and len(match.group(1)) <= 2


@dataclass(frozen=True)
class OrderDecision:
    """The day/month order chosen for a file, or why none could be chosen."""

    order: str | None
    message: str | None = None
    line: int | None = None
    column: str | None = None


def decide_order(samples: Iterable[DateSample], forced: str | None) -> OrderDecision:
    """Pick the file's day/month order from values that settle it.

    Args:
        samples: the order-dependent date values of the whole file.
        forced: the user's ``--date-order`` (or the mapping's), which always wins.

    Returns:
        The order, or a message explaining why the file leaves it open or contradicts itself.
    """
    if forced:
        return OrderDecision(forced)
    seen: dict[str, DateSample] = {}
    first_sample: DateSample | None = None
    for sample in samples:
        first_sample = first_sample or sample
        evidence = order_evidence(sample.text)
        if evidence in ("dmy", "mdy") and evidence not in seen:
            seen[evidence] = sample
    if len(seen) == 2:
        day, month = seen["dmy"], seen["mdy"]
        return OrderDecision(None, (
            f"the dates disagree: '{day.text}' (line {day.line}) is day-first but "
            f"'{month.text}' (line {month.line}, column {month.column}) is month-first; "
            "fix the file or choose with --date-order dmy|mdy"), day.line, day.column)
    if seen:
        return OrderDecision(next(iter(seen)))
    if first_sample is None:
        return OrderDecision(None)
    return OrderDecision(None, (
        f"dates such as '{first_sample.text}' can be read day-first or month-first and no "
        "date in the file settles it; run again with --date-order dmy (31/01/2026) or "
        "--date-order mdy (01/31/2026)"), first_sample.line, first_sample.column)


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:
        # Two-digit years: 00-69 are 2000-2069, 70-99 are 1970-1999.
        return 2000 + value if value < 70 else 1900 + value
    if len(text) != 4:
        raise DateError(f"the year '{text}' should have four digits")
    return value


def _make_date(year: int, month: int, day: int, text: str, order: str | None) -> date:
    how = f" (read {ORDER_WORDS[order]})" if order else ""
    if not 1 <= month <= 12:
        raise DateError(f"'{text}' is not a date{how}: there is no month {month}")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"'{text}' is not a date{how}: that month has no day {day}") from None


def _split_date(text: str, order: str | None) -> tuple[date, str | None]:
    """The calendar date at the start of ``text`` and whatever follows it (a time)."""
    match = _NUMERIC.match(text)
    if match:
        a, _, b, c, rest = match.groups()
        if len(a) == 4:
            return _make_date(int(a), int(b), int(c), text, None), rest
        if len(a) == 3:
            raise DateError(f"'{text}' is not a date")
        if order is None:
            raise OrderNeeded(f"'{text}' needs a day/month order (--date-order)")
        if order == "dmy":
            return _make_date(_year(c), int(b), int(a), text, order), rest
        if order == "mdy":
            return _make_date(_year(c), int(a), int(b), text, order), rest
        return _make_date(_year(a), int(b), int(c), text, order), rest

    bare = _WEEKDAY.sub("", text, count=1)
    for pattern, day_group, month_group in ((_DAY_MONTH_YEAR, 1, 2), (_MONTH_DAY_YEAR, 2, 1)):
        match = pattern.match(bare)
        if match and match.group(month_group).lower() in MONTHS:
            month = MONTHS[match.group(month_group).lower()]
            day = int(match.group(day_group))
            return _make_date(_year(match.group(3)), month, day, text, None), match.group(4)
    raise DateError(f"'{text}' is not a date (write it as 2026-01-31, 31/01/2026 or "
                    "Jan 31, 2026)")


def parse_date(text: str, order: str | None) -> date:
    """A calendar date; a time after it is allowed and ignored.

    Raises:
        DateError: with a message saying why the value is not a date.
    """
    text = text.strip()
    if len(text) == 10 and text[4:5] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    day, rest = _split_date(text, order)
    if rest is not None:
        _parse_time(rest, text)
    return day


def parse_datetime(text: str, order: str | None, zone: tzinfo = UTC) -> datetime:
    """An instant in UTC. A value without a time zone is read in ``zone``; a bare date is
    midnight there.

    Raises:
        DateError: with a message saying why the value is not a date and time.
    """
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        day, rest = _split_date(text, order)
        value = datetime.combine(day, time())
        if rest is not None:
            clock, offset = _parse_time(rest, text)
            value = datetime.combine(day, clock, tzinfo=offset)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _parse_time(text: str, whole: str) -> tuple[time, tzinfo | None]:
    match = _TIME.match(text.strip())
    if not match:
        raise DateError(f"'{whole}' has a time that cannot be read ('{text}')")
    hour, minute = int(match.group(1)), int(match.group(2))
    second = int(match.group(3) or 0)
    micro = int((match.group(4) or "0").ljust(6, "0"))
    meridiem = (match.group(5) or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            raise DateError(f"'{whole}' has an impossible time ({hour} {meridiem.upper()}M)")
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise DateError(f"'{whole}' has an impossible time")
    return time(hour, minute, second, micro), _offset(match.group(6))


def _offset(text: str | None) -> tzinfo | None:
    if not text:
        return None
    if text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(sign * delta)
