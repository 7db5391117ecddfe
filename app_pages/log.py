"""Log: the audit log with filters and an .xlsx download, and who has which role (administrators only)."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from csr import audit, text
from csr.auth import ROLE_PERMISSIONS, Permission, Role
from csr.fmt import join
from csr.store import audit_retention_days
from ui import auth, data, downloads, upload
from ui.safe import md_escape

ALL = "Alle"
DEFAULT_DAYS = 30  # the log opens on the last month

st.title("Log og roller")
if auth.require(Permission.AUDIT):  # the page is the administrator's already; asked again on the server
    store = data.store()
    st.markdown(
        "Hvem har gjort hvad, hvornår og hvorfra: login, sidevisninger, import og fortrydelse, HR-regnskab og "
        "data hentet, scenarier og importprofiler gemt eller slettet, afviste handlinger og nye roller. "
        f"Loggen kan kun skrives til; hændelser ældre end {text.number(audit_retention_days())} dage slettes."
    )

    today = date.today()
    chosen = st.date_input(
        "Periode",
        value=(today - timedelta(days=DEFAULT_DAYS), today),
        max_value=today,
        format="DD.MM.YYYY",
        key="log_period",
    )
    first, last = (chosen[0], chosen[-1]) if isinstance(chosen, tuple) and chosen else (today, today)
    since, until = audit.day_bounds(first, last)
    entries = store.audit_entries(since=since, until=until)

    left, right = st.columns(2)
    people = sorted({w or audit.NOBODY for w in entries["who"]})
    who = left.selectbox("Bruger", [ALL, *people], key="log_who")
    events = sorted(set(entries["event"]), key=audit.event_label)
    event = right.selectbox("Hændelse", [ALL, *events], format_func=lambda e: e if e == ALL else audit.event_label(e))
    if who != ALL:
        entries = entries[entries["who"] == ("" if who == audit.NOBODY else who)]
    if event != ALL:
        entries = entries[entries["event"] == event]

    table = audit.log_table(entries)
    period = f"{first:%d.%m.%Y}–{last:%d.%m.%Y}"
    st.markdown(f"**{text.number(len(table))} hændelser** {period}.")
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(
        "Hent loggen (.xlsx)",
        data=auth.audited(lambda: downloads.xlsx_bytes(table, sheet="Log"), audit.DATA_DOWNLOAD, f"Loggen {period}"),
        file_name=f"csr_log_{first:%Y%m%d}-{last:%Y%m%d}.xlsx",
        mime=upload.XLSX_MIME,
        key="download_log",
        on_click="ignore",
        icon=":material/download:",
    )

    st.header("Roller")
    roles = auth.roles_config()
    if roles is None:
        st.markdown("Appen kører uden login, så der er ingen roller: alle på denne computer kan alt.")
    else:
        st.markdown(
            f"Rollerne kommer fra gruppekravet «{md_escape(roles.claim)}» i brugerens ID-token "
            "(`[roles]` i secrets.toml)."
        )
        st.table(
            {
                "Rolle": [r.label for r in Role],
                "Grupper": [join(sorted(roles.groups.get(r, ()))) or "–" for r in Role],
                "Må": [join([p.action for p in Permission if p in ROLE_PERMISSIONS[r]]) for r in Role],
            }
        )
    st.subheader("Brugere i loggen")
    seen = audit.users(store.audit_entries())
    if seen.empty:
        st.markdown("Ingen har logget ind, så længe loggen rækker.")
    else:
        st.dataframe(seen, hide_index=True, width="stretch")
