"""The audit log in words (csr.audit): Danish days as UTC bounds, the table people read, who has which role."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

from csr import audit


def _entries(rows: list[tuple[int, str, str, str, str, str]]) -> pd.DataFrame:
    """Entries shaped as Store.audit_entries returns them: (id, at ISO in UTC, who, role, event, detail)."""
    return pd.DataFrame(
        {
            "id": pd.array([r[0] for r in rows], dtype="int64"),
            "at": pd.to_datetime([r[1] for r in rows], utc=True),
            "who": pd.array([r[2] for r in rows], dtype="str"),
            "role": pd.array([r[3] for r in rows], dtype="str"),
            "event": pd.array([r[4] for r in rows], dtype="str"),
            "detail": pd.array([r[5] for r in rows], dtype="str"),
            "address": pd.array(["10.0.0.7"] * len(rows), dtype="str"),
            "municipality": pd.array([None] * len(rows), dtype="Int64"),
        }
    )


def test_a_danish_day_is_bounded_in_utc_in_winter_and_summer():
    # 2 December: Danish time is UTC+1; 1 July: UTC+2 (summer time).
    since, until = audit.day_bounds(date(2026, 12, 2), date(2026, 12, 2))
    assert since == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    assert until == datetime(2026, 12, 2, 23, 0, tzinfo=UTC)
    since, until = audit.day_bounds(date(2026, 7, 1), date(2026, 7, 3))
    assert since == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
    assert until == datetime(2026, 7, 3, 22, 0, tzinfo=UTC)


def test_days_given_the_wrong_way_round_are_turned():
    assert audit.day_bounds(date(2026, 3, 5), date(2026, 3, 1)) == audit.day_bounds(date(2026, 3, 1), date(2026, 3, 5))


def test_the_log_table_is_newest_first_in_danish_time_and_words():
    entries = _entries(
        [
            (1, "2026-12-02T06:00:00+00:00", "Anne Hansen", "hr", audit.LOGIN, ""),
            (2, "2026-12-02T06:01:30+00:00", "Anne Hansen", "hr", audit.IMPORT, "Import nr. 4"),
            (3, "2026-07-01T10:00:00+00:00", "", "", audit.PAGE_VIEW, "Overblik"),
            (4, "2026-12-02T06:02:00+00:00", "Bo", "læser", "something_new", "x"),
        ]
    )
    table = audit.log_table(entries)
    assert list(table.columns) == ["Tidspunkt", "Bruger", "Rolle", "Hændelse", "Detaljer", "Adresse"]
    assert list(table["Tidspunkt"]) == [
        "2026-12-02 07.02.00",
        "2026-07-01 12.00.00",  # summer time: UTC+2
        "2026-12-02 07.01.30",
        "2026-12-02 07.00.00",
    ]
    assert list(table["Hændelse"]) == ["something_new", "Sidevisning", "Import", "Login"]
    assert list(table["Bruger"]) == ["Bo", "(lokal bruger)", "Anne Hansen", "Anne Hansen"]


def test_a_role_change_is_named_only_when_the_roles_differ():
    assert audit.role_change(None, "hr") is None  # a first login
    assert audit.role_change("hr", "hr") is None
    assert audit.role_change("hr", "hr og planlægger") == "hr → hr og planlægger"
    assert audit.role_change("læser", "") == "læser → ingen rolle"


def test_users_have_the_role_of_their_latest_login_and_count_their_role_changes():
    entries = _entries(
        [
            (1, "2026-11-01T08:00:00+00:00", "Anne", "læser", audit.LOGIN, ""),
            (2, "2026-11-20T08:00:00+00:00", "Bo", "hr", audit.LOGIN, ""),
            (3, "2026-12-01T08:00:00+00:00", "Anne", "hr", audit.ROLE_CHANGE, "læser → hr"),
            (4, "2026-12-01T08:00:00+00:00", "Anne", "hr", audit.LOGIN, ""),
            (5, "2026-12-01T09:00:00+00:00", "Bo", "hr", audit.IMPORT, "Import nr. 1"),
            (6, "2026-12-01T10:00:00+00:00", "", "", audit.LOGIN, ""),  # local mode: nobody to list
        ]
    )
    seen = audit.users(entries)
    assert list(seen.columns) == ["Bruger", "Rolle nu", "Seneste login", "Rolleskift"]
    assert seen.to_dict("records") == [
        {"Bruger": "Anne", "Rolle nu": "hr", "Seneste login": "2026-12-01 09.00.00", "Rolleskift": 1},
        {"Bruger": "Bo", "Rolle nu": "hr", "Seneste login": "2026-11-20 09.00.00", "Rolleskift": 0},
    ]


def test_an_empty_log_gives_empty_tables_with_their_headers():
    empty = _entries([])
    assert list(audit.log_table(empty).columns) == ["Tidspunkt", "Bruger", "Rolle", "Hændelse", "Detaljer", "Adresse"]
    assert audit.log_table(empty).empty
    assert audit.users(empty).empty
