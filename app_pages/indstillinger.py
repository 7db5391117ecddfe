"""Indstillinger: the home municipality, its neighbours, the strategy period and the targets' thresholds
(administrators only). Saved in the store over the strategy file (`csr.settings`), with an audit entry; the
settings in force can be downloaded as TOML and read back from a TOML file."""

from __future__ import annotations

from typing import Any

import streamlit as st

from csr import audit, settings
from csr.auth import Permission
from csr.config import Config, ConfigError
from csr.store import StoreError, danish_time
from csr.text import strategy_first_year
from ui import auth, data
from ui import settings as in_force
from ui.safe import md_escape

PREFIX = "settings_"  # every widget key of the page: cleared after a save, so the form shows what is in force
FLASH = "_settings_saved"
TOML_MIME = "application/toml"
MAX_UPLOAD_MB = 4  # csr.config.MAX_CONFIG_BYTES: a settings file is a few KB
FIRST, LAST = 1990, 2100  # the years a setting may name


def _clear_form() -> None:
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(PREFIX)]:
        del st.session_state[key]


def _saved(config: Config, what: str) -> None:
    """After a save: everything computed from the old settings goes, and the page shows the new ones."""
    in_force.forget()
    data.forget()
    st.cache_data.clear()  # file-keyed caches (sample data, previews) of this process
    _clear_form()
    st.session_state[FLASH] = (
        f"{what} Hjemkommunen er nu {config.home_name}, med {len(config.neighbours)} omegnskommuner; "
        "alle sider og kommandolinjen regner med dem fra nu af."
    )
    st.rerun()


def _save(payload: dict, what: str) -> None:
    try:
        auth.check(Permission.SETTINGS)
        typed = st.session_state.get(f"{PREFIX}who", "")  # local mode only: with login, the user's own name
        config = settings.save(auth.acting(data.store()), payload, who=auth.author(typed))
    except (ConfigError, StoreError) as exc:
        st.error(md_escape(f"Indstillingerne er ikke gemt: {exc}"), icon="⚠️")
        return
    _saved(config, what)


def _form(current: Config, fixed_home: bool) -> None:
    codes = sorted((m.code for m in current.municipalities), key=lambda c: current.municipality(c).name)
    with st.form(f"{PREFIX}form", enter_to_submit=False):
        st.header("Strategi")
        strategy_name = st.text_input("Strategiens navn", value=current.name, key=f"{PREFIX}name")
        organisation = st.text_input(
            "Organisation",
            value=current.organisation,
            key=f"{PREFIX}organisation",
            help="Vises i figurerne og HR-regnskabet. Vælges en ny hjemkommune, følger organisationen med (fx "
            "«Haderslev Kommune»), medmindre du også skriver en anden her.",
        )
        statement = st.text_input(
            "Tilgængelighedserklæring (adresse)",
            value=current.accessibility_statement,
            key=f"{PREFIX}accessibility_statement",
            help="Adressen på organisationens tilgængelighedserklæring, som begynder med https://. Den vises nederst "
            "på hver side. Vælges en ny hjemkommune, vises ingen, før dens egen er skrevet her.",
        )
        st.header("Hjemkommune og omegnskommuner")
        home = st.selectbox(
            "Hjemkommune",
            codes,
            index=codes.index(current.home),
            format_func=current.municipality_label,
            key=f"{PREFIX}home",
            disabled=fixed_home,
            help="På en fælles server er hjemkommunen den kommune, du er logget ind for; den kan ikke ændres her."
            if fixed_home
            else None,
        )
        neighbours = st.multiselect(
            "Omegnskommuner",
            codes,
            default=list(current.neighbours),
            format_func=current.municipality_label,
            placeholder="Vælg omegnskommuner",
            key=f"{PREFIX}neighbours",
            help="De kommuner, hjemkommunen sammenlignes med. Hjemkommunen selv kan ikke være en af dem.",
        )

        st.header("Strategiperiode")
        left, right = st.columns(2)
        first = left.number_input(
            "Første år",
            value=strategy_first_year(current),
            key=f"{PREFIX}first_year",
            min_value=FIRST,
            max_value=LAST,
            step=1,
        )
        last = right.number_input(
            "Sidste år", value=current.last_year, key=f"{PREFIX}last_year", min_value=FIRST, max_value=LAST, step=1
        )

        st.header("Mål og tærskler")
        st.markdown(
            "En tærskel er den andel af de ansatte i procent, som målet kræver fra og med året i «Fra år». "
            "Tøm «Fra år» for at fjerne en tærskel, og udfyld den tomme række for at tilføje en. Et navn, der "
            "nævner en procent, skal nævne tærsklen; skriv {threshold} i stedet for tallet, eller giv tærsklen "
            "sit eget navn."
        )
        rows: dict[str, list[tuple[int | None, str, str]]] = {}
        for target in current.targets:
            if target.kind != "min_share":
                continue
            st.subheader(md_escape(target.name_in(current.last_year)))
            entries = [*target.thresholds, None]
            for j, th in enumerate(entries):
                number = "ny tærskel" if th is None else f"tærskel {j + 1}"
                year_col, value_col, name_col = st.columns([1, 1, 3])
                year = year_col.number_input(
                    f"Fra år, {number}",
                    value=None if th is None else th.from_year,
                    placeholder="År",
                    key=f"{PREFIX}{target.id}_{j}_from",
                    min_value=FIRST,
                    max_value=LAST,
                    step=1,
                )
                value = value_col.text_input(
                    f"Procent, {number}",
                    value="" if th is None else settings.percent_text(th.value).removesuffix(" %"),
                    placeholder="fx 2,5",
                    key=f"{PREFIX}{target.id}_{j}_value",
                )
                label = name_col.text_input(
                    f"Navn fra det år (valgfrit), {number}",
                    value="" if th is None or not th.name else th.name,
                    key=f"{PREFIX}{target.id}_{j}_name",
                )
                rows.setdefault(target.id, []).append((year, value, label))
        if not auth.current().login:
            st.text_input("Gemt af", key=f"{PREFIX}who", help="Dit navn i loggen (uden login skrives det her).")
        submitted = st.form_submit_button("Gem indstillingerne", type="primary", icon=":material/save:")
    if not submitted:
        return
    try:
        payload: dict[str, Any] = {
            "strategy": {
                "name": strategy_name.strip(),
                "home": home,
                "neighbours": list(neighbours),
                "first_year": first,
                "last_year": last,
            },
            "targets": [_thresholds(current, tid, entries) for tid, entries in rows.items()],
        }
    except ConfigError as exc:
        st.error(md_escape(f"Indstillingerne er ikke gemt: {exc}"), icon="⚠️")
        return
    # The strategy file's organisation with a new home becomes "<home> Kommune" (csr.settings).
    payload["strategy"]["organisation"] = organisation.strip()
    payload["strategy"]["accessibility_statement"] = statement.strip()  # likewise: none for a new home
    _save(payload, "Indstillingerne er gemt.")


def _thresholds(current: Config, target_id: str, entries: list[tuple[int | None, str, str]]) -> dict:
    name = current.target(target_id).name_in(current.last_year)
    out = []
    for year, value, label in entries:
        if year is None:
            if value.strip() or label.strip():
                raise ConfigError(f"En tærskel for målet «{name}» har ingen «Fra år»: udfyld året, eller tøm rækken.")
            continue
        entry: dict = {
            "from": int(year),
            "value": settings.parse_percent(value, f"Tærsklen for målet «{name}» fra {int(year)}"),
        }
        if label.strip():
            entry["name"] = label.strip()
        description = current.target(target_id).threshold_entry(int(year))
        if description is not None and description.from_year == entry["from"] and description.description:
            entry["description"] = description.description
        out.append(entry)
    return {"id": target_id, "thresholds": out}


def _files(current: Config) -> None:
    st.header("Hent og indlæs")
    st.markdown(
        "Indstillingerne kan hentes som en TOML-fil med strategifilens nøgler og indlæses igen her eller med "
        "`python -m csr settings import FIL`. En indlæst fil kontrolleres som strategifilen."
    )
    comment = f"CSR-indstillinger for {current.home_name} ({current.home}), over strategifilen {current.source}"
    st.download_button(
        "Hent indstillingerne (.toml)",
        data=auth.audited(
            lambda: settings.to_toml(settings.settings_of(current), comment),
            audit.DATA_DOWNLOAD,
            "Indstillingerne (TOML)",
        ),
        file_name="csr_indstillinger.toml",
        mime=TOML_MIME,
        key=f"{PREFIX}download",
        on_click="ignore",
        icon=":material/download:",
    )
    upload = st.file_uploader(
        "Indstillinger fra en TOML-fil", type=["toml"], key=f"{PREFIX}upload", max_upload_size=MAX_UPLOAD_MB
    )
    if upload is not None and st.button("Indlæs indstillingerne", key=f"{PREFIX}import", icon=":material/upload:"):
        try:
            payload = settings.from_toml(upload.getvalue(), upload.name)
        except ConfigError as exc:
            st.error(md_escape(f"Indstillingerne er ikke gemt: {exc}"), icon="⚠️")
            return
        _save(payload, f"Indstillingerne fra {upload.name} er gemt.")

    st.header("Strategifilens indstillinger")
    st.markdown("Fjern alle gemte ændringer, så strategifilens hjemkommune, omegnskommuner og mål gælder igen.")
    if st.button("Brug strategifilens indstillinger", key=f"{PREFIX}reset", icon=":material/restart_alt:"):
        _save({}, "Strategifilens indstillinger gælder igen.")


st.title("Indstillinger")
if auth.require(Permission.SETTINGS):  # the page is the administrator's already; asked again on the server
    st.markdown(
        "Her vælges hjemkommunen, dens omegnskommuner, strategiperioden og målenes tærskler. Strategifilen er "
        "udgangspunktet; det, der gemmes her, gælder over den for alle brugere og på kommandolinjen, og hver "
        "ændring står i loggen med navn og tidspunkt."
    )
    if FLASH in st.session_state:
        st.success(md_escape(st.session_state.pop(FLASH)), icon=":material/check:")
    base = settings.base_config()
    try:
        current = in_force.config_in_force()
    except settings.SettingsError as exc:
        st.error(md_escape(str(exc)), icon="⚠️")
        current = base
    store = data.store()
    saved = store.settings()
    if saved is not None:
        who = saved.who or audit.NOBODY
        st.caption(md_escape(f"Senest gemt {danish_time(saved.saved)} af {who}."))
    elif store.fixed_home is not None and store.fixed_home != base.home:
        st.info(
            md_escape(
                f"Der er endnu ikke gemt indstillinger for {current.home_name}: omegnskommunerne, strategiperioden "
                f"og målene er strategifilens ({base.organisation}s), med {base.home_name} som omegnskommune i "
                f"stedet for {current.home_name}. Vælg kommunens egne, og gem dem."
            ),
            icon=":material/info:",
        )
    _form(current, fixed_home=store.fixed_home is not None)
    _files(current)
