"""Which member state held the rotating Council presidency on a date (1996–2019).

The presidency chairs the Council and brokers its compromises, so the literature on EU
bargaining gives it extra weight ("presidency bonus"). DEU has no presidency column; the
loader derives it from the date of the final act (``finact_repaired``, ``dd-mm-yy``) with this
table: the half-year rotation fixed by Council decisions (Council of the EU, "The presidency of
the Council of the EU", consilium.europa.eu; 2007/5/EC and 2016/1316 for the later orders).

>>> presidency("30-05-01"), presidency("15-09-08"), presidency("999")
('se', 'fr', None)
"""

from __future__ import annotations

__all__ = ["PRESIDENCIES", "presidency"]

# (year, first-half holder, second-half holder), DEU country codes.
PRESIDENCIES: tuple[tuple[int, str, str], ...] = (
    (1996, "it", "ie"),
    (1997, "nl", "lu"),
    (1998, "uk", "at"),
    (1999, "de", "fi"),
    (2000, "pt", "fr"),
    (2001, "se", "be"),
    (2002, "es", "dk"),
    (2003, "el", "it"),
    (2004, "ie", "nl"),
    (2005, "lu", "uk"),
    (2006, "at", "fi"),
    (2007, "de", "pt"),
    (2008, "si", "fr"),
    (2009, "cz", "se"),
    (2010, "es", "be"),
    (2011, "hu", "pl"),
    (2012, "dk", "cy"),
    (2013, "ie", "lt"),
    (2014, "el", "it"),
    (2015, "lv", "lu"),
    (2016, "nl", "sk"),
    (2017, "mt", "ee"),
    (2018, "bu", "at"),
    (2019, "ro", "fi"),
)
_BY_YEAR = {year: (first, second) for year, first, second in PRESIDENCIES}


def presidency(date: str) -> str | None:
    """The presidency's country code on a ``dd-mm-yy`` date; None when the date is unreadable
    or outside the table (the DEU files code unknown dates as ``999``)."""
    parts = date.strip().split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    month, year = int(parts[1]), int(parts[2])
    year += 2000 if year < 50 else 1900
    halves = _BY_YEAR.get(year)
    if halves is None or not 1 <= month <= 12:
        return None
    return halves[0] if month <= 6 else halves[1]
