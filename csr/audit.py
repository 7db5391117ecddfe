"""The audit log in words: what each kind of event is called, the log as a table for people, and who has had
which role (the store keeps the entries, `csr.store.Store.record_event` / `audit_entries`).

What is logged is what Datatilsynet's guidance on logging asks of systems that hold staff data: who did
what, when, and from which address — every login, page view, import, undo, export of the HR-regnskab,
download of data, saved or deleted scenario and import profile, refused action, and change of a user's
roles.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

LOCAL_ZONE = ZoneInfo("Europe/Copenhagen")

# Event keys as they are stored (stable identifiers) and what people read.
LOGIN = "login"
PAGE_VIEW = "page_view"
DENIED = "denied"
IMPORT = "import"
UNDO = "undo"
EXPORT = "export"
DATA_DOWNLOAD = "data_download"
SCENARIO_SAVE = "scenario_save"
SCENARIO_DELETE = "scenario_delete"
PROFILE_SAVE = "profile_save"
PROFILE_DELETE = "profile_delete"
ROLE_CHANGE = "role_change"
SETTINGS = "settings"

EVENT_LABELS = {
    LOGIN: "Login",
    PAGE_VIEW: "Sidevisning",
    DENIED: "Afvist handling",
    IMPORT: "Import",
    UNDO: "Fortrudt import",
    EXPORT: "HR-regnskab hentet",
    DATA_DOWNLOAD: "Data hentet",
    SCENARIO_SAVE: "Scenarie gemt",
    SCENARIO_DELETE: "Scenarie slettet",
    PROFILE_SAVE: "Importprofil gemt",
    PROFILE_DELETE: "Importprofil slettet",
    ROLE_CHANGE: "Ny rolle",
    SETTINGS: "Indstillinger gemt",
}

# The audit table's columns in Danish (`Store.audit_entries`), and the ones the log table shows.
AUDIT_LABELS = {
    "id": "Nr.",
    "at": "Tidspunkt",
    "who": "Bruger",
    "role": "Rolle",
    "event": "Hændelse",
    "detail": "Detaljer",
    "address": "Adresse",
    "municipality": "Kommunekode",
}
TABLE_LABELS = {k: AUDIT_LABELS[k] for k in ("at", "who", "role", "event", "detail", "address")}
USER_LABELS = {"who": "Bruger", "role": "Rolle nu", "last_login": "Seneste login", "changes": "Rolleskift"}
NOBODY = "(lokal bruger)"  # the name shown for entries made without login


def event_label(event: str) -> str:
    """The Danish name of an event; an unknown key is shown as it is stored."""
    return EVENT_LABELS.get(event, event)


def local_text(when: datetime) -> str:
    """ "2026-12-02 07.05.03" in Danish time: sortable, and the way the log is read line by line."""
    return when.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H.%M.%S")


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of `first` to the end of `last`, Danish days, as UTC instants for `audit_entries`
    (`since` inclusive, `until` exclusive)."""
    if last < first:
        first, last = last, first
    since = datetime.combine(first, time(0), LOCAL_ZONE).astimezone(UTC)
    until = datetime.combine(last + timedelta(days=1), time(0), LOCAL_ZONE).astimezone(UTC)
    return since, until


def log_table(entries: pd.DataFrame) -> pd.DataFrame:
    """The entries as people read them, newest first: Danish time, Danish event names and headers."""
    newest = entries.sort_values("id", ascending=False)
    return pd.DataFrame(
        {
            TABLE_LABELS["at"]: [local_text(t.to_pydatetime()) for t in newest["at"]],
            TABLE_LABELS["who"]: [w or NOBODY for w in newest["who"]],
            TABLE_LABELS["role"]: list(newest["role"]),
            TABLE_LABELS["event"]: [event_label(e) for e in newest["event"]],
            TABLE_LABELS["detail"]: list(newest["detail"]),
            TABLE_LABELS["address"]: list(newest["address"]),
        }
    )


def role_change(previous: str | None, now: str) -> str | None:
    """The detail of a role-change entry when a user's roles at this login differ from their roles at the
    previous one ("hr → hr og planlægger"); None for a first login or the same roles."""
    if previous is None or previous == now:
        return None
    return f"{previous or 'ingen rolle'} → {now or 'ingen rolle'}"


def users(entries: pd.DataFrame) -> pd.DataFrame:
    """Everyone who has logged in within the log: their role at the latest login, when that was, and how
    many times their roles changed, the most recent login first."""
    logins = entries[(entries["event"] == LOGIN) & (entries["who"] != "")].sort_values("id")
    changes = entries[entries["event"] == ROLE_CHANGE].groupby("who").size()
    latest = logins.groupby("who").tail(1).sort_values("id", ascending=False)
    return pd.DataFrame(
        {
            USER_LABELS["who"]: list(latest["who"]),
            USER_LABELS["role"]: [r or "ingen rolle" for r in latest["role"]],
            USER_LABELS["last_login"]: [local_text(t.to_pydatetime()) for t in latest["at"]],
            USER_LABELS["changes"]: [int(changes.get(w, 0)) for w in latest["who"]],
        }
    )
