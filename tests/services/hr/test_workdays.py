"""Working days: week models, half days and the public holidays of the workplace state."""
from datetime import date

from services.hr.workdays import public_holidays, working_days


def test_fronleichnam_is_a_holiday_in_bavaria_not_in_berlin():
    corpus_christi = date(2026, 6, 4)   # Thursday, 60 days after Easter Sunday 5 April
    assert corpus_christi in public_holidays("BY", 2026)
    assert corpus_christi not in public_holidays("BE", 2026)
    assert working_days(date(2026, 6, 1), date(2026, 6, 5), "12345", "BY") == 4
    assert working_days(date(2026, 6, 1), date(2026, 6, 5), "12345", "BE") == 5


def test_reformationstag_in_saxony_not_in_bavaria():
    reformation = date(2025, 10, 31)    # Friday
    assert working_days(reformation, reformation, "12345", "SN") == 0
    assert working_days(reformation, reformation, "12345", "BY") == 1


def test_week_models_count_only_their_days():
    # Monday 2 Nov to Sunday 15 Nov 2026: no holiday in NW
    assert working_days(date(2026, 11, 2), date(2026, 11, 15), "12345", "NW") == 10
    assert working_days(date(2026, 11, 2), date(2026, 11, 15), "123", "NW") == 6
    assert working_days(date(2026, 11, 2), date(2026, 11, 15), "123456", "NW") == 12
    assert working_days(date(2026, 11, 7), date(2026, 11, 8), "12345", "NW") == 0


def test_half_days_at_the_edges():
    assert working_days(date(2026, 11, 2), date(2026, 11, 6), "12345", "NW",
                        half_day_start=True) == 4.5
    assert working_days(date(2026, 11, 2), date(2026, 11, 6), "12345", "NW",
                        half_day_start=True, half_day_end=True) == 4
    # a half day on a Saturday counts nothing
    assert working_days(date(2026, 11, 2), date(2026, 11, 7), "12345", "NW",
                        half_day_end=True) == 5


def test_christmas_to_new_year_split_by_year():
    # 21 Dec 2026 (Mon) to 8 Jan 2027 (Fri): 25/26 Dec and 1 Jan are holidays, 6 Jan in BY
    span = (date(2026, 12, 21), date(2027, 1, 8))
    in_2026 = working_days(*span, "12345", "BY", within=(date(2026, 1, 1), date(2026, 12, 31)))
    in_2027 = working_days(*span, "12345", "BY", within=(date(2027, 1, 1), date(2027, 12, 31)))
    assert in_2026 == 8     # 21-24 (25 Dec is the Friday), 28-31 Dec
    assert in_2027 == 4     # 4, 5, 7, 8 Jan (6 Jan Heilige Drei Könige in BY)
    assert working_days(*span, "12345", "NW", within=(date(2027, 1, 1),
                                                      date(2027, 12, 31))) == 5
