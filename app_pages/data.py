"""Data: upload files, see what was recognised, store them; the import history with undo; downloads."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from csr import audit as events
from csr import text
from csr.auth import Permission
from csr.config import Config
from csr.model import ImportResult
from csr.store import READ_ONLY_MESSAGE, DuplicateImport, Store, StoreError
from csr.template import write_template
from ui import actions, auth, data, downloads, frame, mapping, upload
from ui.safe import md_escape
from ui.settings import config_in_force

MESSAGE = "_data_message"  # the sentence shown once, after the rerun that follows a change
STORED = "_data_stored_digest"  # the uploads just stored: no second preview of the same files
UNDO = "_data_undo_pending"  # the batch whose undo waits for confirmation
ACCEPTED_FOR = "_data_accepted_for"  # the uploads the warnings tick belongs to
HISTORY_SHOWN = 30

log = logging.getLogger("csr.app")
config = config_in_force()
meeting = frame.meeting_mode()


def _template_button(config: Config) -> None:
    """The upload template with its instructions sheet, made on click."""
    st.download_button(
        "Hent skabelonen",
        data=lambda: write_template(config),
        file_name="csr_skabelon.xlsx",
        mime=upload.XLSX_MIME,
        key="download_template",
        on_click="ignore",
        icon=":material/description:",
        help="Skabelonen med vejledning, ordninger og kommuner",
    )


def _changed(sentence: str) -> None:
    """After an import or an undo: every page shows the new data at once."""
    st.session_state[MESSAGE] = sentence
    data.forget()
    st.rerun()


# ---- uploading ------------------------------------------------------------------------------------


def _upload_section(store: Store) -> None:
    st.header("Indlæs filer")
    st.markdown(
        "Vælg en eller flere filer på én gang: KRL-udtræk, jobindsats.dk-udtræk eller skabelonen udfyldt. "
        "Intet gemmes, før du har set, hvad der er genkendt, og trykket **Gem i databasen**."
    )
    files = st.file_uploader(
        "Excel- og CSV-filer",
        type=upload.TYPES,
        accept_multiple_files=True,
        key="upload",
        max_upload_size=upload.MAX_UPLOAD_MB,
        help=f".xlsx, .xls eller .csv, højst {upload.MAX_UPLOAD_MB} MB pr. fil. Filerne genkendes på indholdet.",
    )
    _template_button(config)
    if not files:
        return
    uploads = upload.uploads_from(files)
    files_digest = data.digest(uploads)
    if st.session_state.get(STORED) == files_digest:
        st.info("Filerne ovenfor er gemt. Vælg nye filer for at indlæse flere.", icon=":material/check:")
        return
    _preview(store, uploads, files_digest)


def _preview(store: Store, uploads: data.Uploads, files_digest: str) -> None:
    try:
        for sentence in store.already_imported(uploads):
            st.warning(md_escape(sentence), icon=":material/content_copy:")
    except StoreError as exc:
        st.error(md_escape(exc), icon="⚠️")
        return
    try:
        result = mapping.imported(store, uploads)
    except Exception as exc:  # a bug in the importer: logged, shown in Danish, the server goes on
        log.exception("Uventet fejl ved indlæsning af %s", ", ".join(name for name, _ in uploads))
        st.error(
            f"Filerne kunne ikke læses på grund af en uventet fejl ({type(exc).__name__}); intet er gemt. "
            "Fejlen er skrevet i serverens log til udviklerne.",
            icon="⚠️",
        )
        return

    with st.container(key="import_preview"):
        st.markdown(md_escape(upload.import_sentence(uploads, result, config)))
        st.dataframe(upload.sheet_table(uploads, result.sheets, config), hide_index=True, width="stretch")
        if result.errors:
            n = len(result.errors)
            st.error(
                f"**Filerne kan ikke gemmes: {upload.count(n, 'fejl', 'fejl')}.** Ret "
                f"{'den' if n == 1 else 'dem'} i filerne, og vælg filerne igen. Intet er gemt.\n\n"
                + upload.finding_lines(result.errors),
                icon="⚠️",
            )
        if result.warnings:
            n = len(result.warnings)
            st.warning(
                f"**{upload.count(n, 'advarsel', 'advarsler')}.** Tallene kan gemmes, men læs "
                f"{'den' if n == 1 else 'dem'} først.\n\n" + upload.finding_lines(result.warnings),
                icon=":material/warning:",
            )
        if result.notes:
            with st.expander(f"Noter fra indlæsningen ({len(result.notes)})", icon=":material/info:"):
                st.markdown(upload.finding_lines(result.notes))
    mapping.offer(store, uploads, result, config)
    if not result.errors:
        _confirm(store, uploads, files_digest, result)


def _confirm(store: Store, uploads: data.Uploads, files_digest: str, result: ImportResult) -> None:
    if st.session_state.get(ACCEPTED_FOR) != files_digest:  # a new set of files needs a new tick
        st.session_state[ACCEPTED_FOR] = files_digest
        st.session_state["accept_warnings"] = False
    accepted = True
    if result.warnings:
        accepted = st.checkbox("Jeg har læst advarslerne og vil gemme tallene alligevel", key="accept_warnings")
    who = ""
    if not auth.current().login:  # with login the history names the logged-in user
        who = st.text_input(
            "Indlæst af",
            key="import_who",
            placeholder="Dit navn eller dine initialer",
            help="Står i importhistorikken ud for importen",
        )
    if not st.button(
        "Gem i databasen",
        key="import_confirm",
        type="primary",
        icon=":material/save:",
        disabled=not accepted,
        help=None if accepted else "Sæt først flueben ved advarslerne",
    ):
        return
    bar = st.progress(0.0, text="Gemmer tallene …")
    try:
        batch = actions.add_batch(
            store,
            uploads,
            result,
            who,
            progress=lambda done, total: bar.progress(
                done / total, text=f"Gemmer tallene: {text.number(done)} af {text.number(total)}"
            ),
        )
    except DuplicateImport as exc:
        bar.empty()
        st.warning(md_escape(f"{exc} Intet er gemt igen."), icon=":material/content_copy:")
        return
    except StoreError as exc:
        bar.empty()
        st.error(md_escape(exc), icon="⚠️")
        return
    st.session_state[STORED] = files_digest
    _changed(f"{batch.summary()} Alle sider viser nu de indlæste tal.")


# ---- the history --------------------------------------------------------------------------------


def _ask_undo(batch: int | None) -> None:
    st.session_state[UNDO] = batch


def _history_section(store: Store, history: pd.DataFrame) -> None:
    st.header("Importhistorik")
    if history.empty:
        st.markdown("Ingen importer endnu.")
        return
    if meeting:
        st.caption("Fortrydelse er ikke mulig i mødevisning.")
    may_import = auth.may(Permission.IMPORT)
    for _, batch in history.head(HISTORY_SHOWN).iterrows():
        bid = int(batch["batch"])
        head, line = upload.batch_lines(batch)
        with st.container(border=True, key=f"batch_{bid}"):
            st.markdown(f"{head}  \n{line}")
            if meeting or store.read_only or batch["status"] != "aktiv" or not may_import:
                continue
            if st.session_state.get(UNDO) != bid:
                st.button(
                    "Fortryd importen", key=f"undo_{bid}", icon=":material/undo:", on_click=_ask_undo, args=(bid,)
                )
            else:
                _undo(store, bid)
    if len(history) > HISTORY_SHOWN:
        st.caption(
            f"De {text.number(HISTORY_SHOWN)} nyeste af {text.number(len(history))} importer; hele "
            "historikken kan hentes som Excel nedenfor."
        )


def _undo(store: Store, bid: int) -> None:
    try:
        preview = store.undo_preview(bid)
    except StoreError as exc:
        st.error(md_escape(exc), icon="⚠️")
        return
    st.warning(md_escape(preview.summary()), icon=":material/undo:")
    changed = preview.reverted + preview.removed
    if changed:
        with st.expander(f"Tallene, der ændres ({text.number(changed)})", icon=":material/table_view:"):
            table = upload.changes_table(preview, config)
            st.dataframe(table, hide_index=True, width="stretch")
            if changed > len(table):
                st.caption(f"De første {text.number(len(table))} af {text.number(changed)}.")
    with st.container(horizontal=True):
        confirmed = st.button(
            f"Ja, fortryd import nr. {bid}", key=f"undo_confirm_{bid}", type="primary", icon=":material/undo:"
        )
        st.button("Annullér", key=f"undo_cancel_{bid}", on_click=_ask_undo, args=(None,))
    if not confirmed:
        return
    try:
        actions.undo(store, bid, st.session_state.get("import_who", ""))
    except StoreError as exc:
        st.error(md_escape(exc), icon="⚠️")
        return
    st.session_state[UNDO] = None
    st.session_state.pop(STORED, None)  # the same files may be imported again
    _changed(upload.undone_sentence(preview))


# ---- downloads ----------------------------------------------------------------------------------


def _dataset_bytes(store: Store) -> bytes:
    snap = store.snapshot()
    if snap.empty:
        result = data.imported(data.sample_uploads())
        return upload.dataset_xlsx(result.data, result.placements, config)
    return upload.dataset_xlsx(snap.data, snap.placements, config)


def _downloads_section(store: Store, history: pd.DataFrame, empty: bool) -> None:
    st.header("Hent data")
    with st.container(horizontal=True, key="data_downloads"):
        st.download_button(
            "Eksempeldata (.xlsx)" if empty else "Alle gældende tal (.xlsx)",
            data=auth.audited(lambda: _dataset_bytes(store), events.DATA_DOWNLOAD, "Alle gældende tal"),
            file_name="csr_eksempeldata.xlsx" if empty else "csr_data.xlsx",
            mime=upload.XLSX_MIME,
            key="download_dataset",
            on_click="ignore",
            icon=":material/download:",
            help="Hvert tal med kommune, periode, ordning og hvor det "
            "kommer fra (fil, ark, række, kolonne), og praktikpladserne",
        )
        st.download_button(
            "Importhistorik (.xlsx)",
            data=auth.audited(
                lambda: downloads.xlsx_bytes(upload.history_table(history), "Importhistorik"),
                events.DATA_DOWNLOAD,
                "Importhistorikken",
            ),
            file_name="csr_importhistorik.xlsx",
            mime=upload.XLSX_MIME,
            key="download_history",
            on_click="ignore",
            icon=":material/history:",
            disabled=history.empty,
        )


# ---- the page -----------------------------------------------------------------------------------

st.title("Data")
message = st.session_state.pop(MESSAGE, None)
if message:
    st.success(md_escape(message), icon=":material/check_circle:")  # it names the files

store: Store | None
try:
    store = data.store()
    history = store.history()
except StoreError as exc:
    st.error(md_escape(f"{exc} Der kan ikke indlæses eller fortrydes noget, før det er rettet."), icon="⚠️")
    store = history = None

if store is not None:
    active = history[history["status"] == "aktiv"]
    if active.empty:
        st.info(
            "Databasen er tom, så siderne viser **eksempeldata**. Når du gemmer den første import, viser alle "
            "sider de indlæste tal i stedet.",
            icon=":material/info:",
        )
    else:
        latest = active.iloc[0]
        st.markdown(
            f"Siderne viser de indlæste tal fra {upload.count(len(active), 'import', 'importer')}; den "
            f"nyeste er nr. {latest['batch']} ({upload.escape(latest['files'])})."
        )
        st.caption(f"{text.data_as_of(history)}. Tallene gemmes i databasen på serveren.")
    if store.read_only:  # what is stored is shown; importing and undoing are not offered
        st.warning(READ_ONLY_MESSAGE, icon=":material/lock:")
    elif meeting:
        st.info(
            "Indlæsning er ikke mulig i mødevisning. Slå mødevisning fra for at indlæse eller fortryde.",
            icon=":material/info:",
        )
    elif auth.may(Permission.IMPORT):
        _upload_section(store)
    _history_section(store, history)
    if not meeting and auth.may(Permission.DOWNLOAD_DATA):
        _downloads_section(store, history, active.empty)
elif not meeting:
    _template_button(config)
