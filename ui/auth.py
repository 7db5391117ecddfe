"""Login, roles and the local mode on the Streamlit side (the rules themselves are in `csr.auth`).

With `[auth]` in the secrets the app uses Streamlit's own `st.login` (OIDC): before login it shows only the
"Log ind" button, a user whose groups give no role gets one sentence, and everyone else gets the pages and
buttons of their roles. Every action that changes or hands out data checks the role again on the server
(`require`), so a request for a button that was never drawn does nothing.

Without `[auth]` the app runs as it always has, for everyone, and says "Lokal tilstand uden login"; it then
refuses to answer on anything but a loopback address unless CSR_ALLOW_ANONYMOUS=1 is set.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar, cast

import streamlit as st

from csr import audit as events
from csr.auth import (
    AuthConfigError,
    Permission,
    Role,
    RolesConfig,
    check_auth_section,
    display_name,
    listen_allowed,
    municipality_of,
    parse_roles,
    permissions_of,
    roles_of,
)
from csr.config import default_config
from csr.fmt import join
from csr.store import Store, StoreError
from ui.safe import md_escape

ALLOW_ANONYMOUS_ENV = "CSR_ALLOW_ANONYMOUS"
LOCAL_MODE = "Lokal tilstand uden login"
NO_ROLE = (
    "Du er logget ind, men ingen af dine grupper giver adgang til CSR-tallene; bed kommunens administrator om en rolle."
)
_LOGIN_AUDITED = "_auth_login_audited"
_PAGE_AUDITED = "_auth_page_audited"
_ACTOR_THIS_RUN = "_auth_actor_this_run"  # (the run's marker, the Actor of this run: `actor`)
_STORE_THIS_RUN = "_auth_store_this_run"  # (the run's marker, the session's Store of this run: `store`)
_VERSION_THIS_RUN = "_auth_version_this_run"  # (the run's marker, the store's version read in this run)
NO_MUNICIPALITY = (
    "Du er logget ind, men dit login siger ikke, hvilken kommune du hører til, så der er ingen tal at vise; "
    "bed kommunens administrator om at få kommunen sat på din konto."
)

log = logging.getLogger("csr.auth")
T = TypeVar("T")


@dataclass(frozen=True)
class Access:
    """Who is using this session and what they may do. `login`: the app is set up with login."""

    login: bool
    logged_in: bool
    name: str
    roles: frozenset[Role]
    permissions: frozenset[Permission]
    shared: bool = False  # a shared host: [roles] municipality_claim names each user's municipality
    municipality: int | None = None  # the user's municipality (code) on a shared host; None: none, or not shared

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def role_text(self) -> str:
        """The roles as the sidebar and the audit log name them ("hr og planlægger"); "" in local mode."""
        if not self.login:
            return ""
        return join([r.label for r in Role if r in self.roles])


# Local mode: everyone may do everything, as the app always did on one computer.
LOCAL = Access(login=False, logged_in=False, name="", roles=frozenset(), permissions=frozenset(Permission))


def _section(name: str) -> Mapping[str, object] | None:
    """A section of the secrets as a plain dict; None when there is no secrets file or no such section."""
    if not st.secrets.load_if_toml_exists():
        return None
    value = st.secrets.get(name)
    if value is None:
        return None
    return value.to_dict() if hasattr(value, "to_dict") else value


def login_configured() -> bool:
    return _section("auth") is not None


def current() -> Access:
    """This session's access, from the secrets and `st.user`; raises AuthConfigError for broken sections."""
    auth_section = _section("auth")
    if auth_section is None:
        return LOCAL
    check_auth_section(auth_section)
    roles_config = parse_roles(_section("roles"))
    claims = st.user.to_dict()
    if not claims.get("is_logged_in"):
        return Access(login=True, logged_in=False, name="", roles=frozenset(), permissions=frozenset())
    roles = roles_of(claims, roles_config)
    shared = roles_config.municipality_claim is not None
    return Access(
        login=True,
        logged_in=True,
        name=display_name(claims),
        roles=roles,
        permissions=permissions_of(roles),
        shared=shared,
        municipality=municipality_of(claims, roles_config, default_config().match_municipality) if shared else None,
    )


def may(permission: Permission) -> bool:
    """Whether this session's user may (the pages draw a button only when this is true)."""
    try:
        return current().may(permission)
    except AuthConfigError:
        return False


def denied(permission: Permission) -> str | None:
    """None when this session's user may; otherwise the Danish refusal, logged and audited. Every action
    handler asks this on the server before it changes or hands out anything."""
    try:
        access = current()
    except AuthConfigError as exc:
        return str(exc)
    if access.may(permission):
        return None
    log.warning("Afvist: %r (roller: %s) uden ret til %s", access.name, access.role_text or "ingen", permission.value)
    audit(events.DENIED, permission.action)
    return permission.refusal


class AccessDenied(StoreError):
    """The user's role does not allow the change; raised before the store is touched, so the pages' own
    handling of a refused change shows the Danish sentence."""


def check(permission: Permission) -> None:
    """Raise AccessDenied unless this session's user may (the guard of `ui.actions`)."""
    refusal = denied(permission)
    if refusal is not None:
        raise AccessDenied(refusal)


def author(typed: str = "") -> str:
    """Who a change is recorded as: the logged-in user's name, or in local mode what the person typed."""
    access = current()
    return access.name if access.login else typed.strip()


def require(permission: Permission) -> bool:
    """True when this session's user may; otherwise the refusal is shown and nothing else happens."""
    refusal = denied(permission)
    if refusal is None:
        return True
    st.error(refusal, icon=":material/lock:")
    return False


# ---- the gate before any page --------------------------------------------------------------------


def _anonymous_allowed() -> bool:
    return os.environ.get(ALLOW_ANONYMOUS_ENV, "").strip() == "1"


def refusal_sentence(address: str | None) -> str:
    """Why an app without login does not answer on this address, and the three ways out."""
    where = f"adressen «{address}»" if address else "alle netværkskort (Streamlits standard)"
    return (
        f"Appen kører uden login (der er ingen [auth] i secrets.toml) og er sat til at lytte på {where}, så alle "
        "på netværket kunne se og ændre tallene. Uden login svarer den kun på denne computer: start den med "
        "--server.address 127.0.0.1, sæt login op som beskrevet i README, eller sæt CSR_ALLOW_ANONYMOUS=1, "
        "hvis adgang uden login fra netværket er meningen."
    )


def gate() -> Access:
    """Before any page: the access of this session, or a page of its own and st.stop() when there is nothing
    to show (broken login settings, a refused address, not logged in, no role)."""
    try:
        access = current()
    except AuthConfigError as exc:
        log.error("Login er sat forkert op: %s", exc)
        st.title("CSR-tal")
        st.error(md_escape(exc), icon="⚠️")
        st.stop()
    if not access.login:
        address = st.get_option("server.address")
        if not listen_allowed(address, _anonymous_allowed()):
            log.error(
                "Uden login ([auth]) svarer appen kun på en loopback-adresse; server.address er %r. "
                "Sæt %s=1 for at tillade det.",
                address,
                ALLOW_ANONYMOUS_ENV,
            )
            st.title("CSR-tal")
            st.error(refusal_sentence(address), icon=":material/lock:")
            st.stop()
        return access
    if not access.logged_in:
        st.title("CSR-tal")
        st.markdown("Log ind med din arbejdskonto for at se kommunens CSR-tal.")
        if st.button("Log ind", key="login", type="primary", icon=":material/login:"):
            st.login()
        st.stop()
    if access.shared and access.municipality is None:
        # No municipality to log the login in: the server's log has it.
        log.warning("Login uden kommune: %r (claimet %r mangler eller kendes ikke)", access.name, _municipality_claim())
        st.title("CSR-tal")
        st.markdown(NO_MUNICIPALITY)
        logout_button()
        st.stop()
    if not st.session_state.get(_LOGIN_AUDITED):
        st.session_state[_LOGIN_AUDITED] = True
        log.info("Login: %r med rollerne %s", access.name, access.role_text or "ingen")
        _audit_login(access)
    if not access.roles:
        st.title("CSR-tal")
        st.markdown(NO_ROLE)
        logout_button()
        st.stop()
    return access


def _municipality_claim() -> str | None:
    try:
        config = roles_config()
    except AuthConfigError:
        return None
    return None if config is None else config.municipality_claim


# ---- the session's store ---------------------------------------------------------------------------


def store() -> Store:
    """This session's store. On a shared host (PostgreSQL, `[roles] municipality_claim`) the logged-in user's
    municipality's, whose rows row-level security keeps apart from every other's; otherwise the process's own
    (`Store.default()`: `$CSR_MUNICIPALITY` on PostgreSQL, the one municipality of SQLite). Raises StoreError
    (Danish) for a user of a shared host whose login names no municipality. Opened once per script run (afresh
    each run: a folder's rights, or CSR_READ_ONLY, may change while the server runs)."""

    def opened() -> Store:
        access = _access()
        if access.shared and access.municipality is None:
            raise StoreError(NO_MUNICIPALITY)
        db = Store.default(tenant=access.municipality)
        if db.opened_version is not None:  # read with the schema as it opened: this run's version (`store_version`)
            _keep_this_run(_VERSION_THIS_RUN, db.opened_version)
        return db

    return once_per_run(_STORE_THIS_RUN, opened)


def store_version() -> str:
    """The version of this session's store (`Store.version`), once per script run (read with the schema as the
    store opens, `Store.opened_version`): the settings in force
    (`ui.settings`) and the figures (`ui.data`) both key their caches on it. A change made during the run (an
    import, an undo, a save) calls `forget_version`, or is followed by `st.rerun()`."""
    return once_per_run(_VERSION_THIS_RUN, lambda: store().version())


def forget_version() -> None:
    """The store changed during this run (an import, an undo, saved settings): read its version afresh."""
    st.session_state.pop(_VERSION_THIS_RUN, None)


def logout_button() -> None:
    if st.button("Log ud", key="logout", icon=":material/logout:"):
        st.logout()


def sidebar(access: Access) -> None:
    """The user's name and roles with "Log ud", or that the app runs without login."""
    with st.sidebar, st.container(key="auth_user"):
        if not access.login:
            st.caption(LOCAL_MODE)
            return
        label = "Rolle" if len(access.roles) == 1 else "Roller"
        st.markdown(f"**{md_escape(access.name)}**  \n{label}: {access.role_text}")
        logout_button()


# ---- the audit hook ------------------------------------------------------------------------------


def client_address() -> str:
    """The browser's address: Streamlit's peer, or behind a proxy on this machine the address the proxy
    saw (the last entry it added to X-Forwarded-For)."""
    peer = st.context.ip_address
    peer = peer if isinstance(peer, str) else ""
    forwarded = st.context.headers.get("X-Forwarded-For")
    try:
        behind_proxy = not peer or ipaddress.ip_address(peer).is_loopback
    except ValueError:
        behind_proxy = False
    if isinstance(forwarded, str) and forwarded.strip() and behind_proxy:
        return forwarded.split(",")[-1].strip()
    return peer


@dataclass(frozen=True)
class Actor:
    """Who does something, as the audit log records it: name, roles in words, the browser's address."""

    who: str
    role: str
    address: str


def actor() -> Actor:
    """This session's user for the audit log (in local mode no name and no role: the log says so). Computed
    once per script run and kept for the rest of it: a page draws many download buttons (`audited`), and
    reading the secrets, the user's claims and the address for each cost time at every rerun. A new run
    (and a fragment's run) computes it afresh; outside a run it is computed at each call."""

    def person() -> Actor:
        access = _access()
        return Actor(who=access.name, role=access.role_text, address=client_address())

    return once_per_run(_ACTOR_THIS_RUN, person)


def _access() -> Access:
    """This session's access for the store and the audit log (local mode when the login settings are broken:
    the gate shows that error, and `denied` refuses every action)."""
    try:
        return current()
    except AuthConfigError:
        return LOCAL


def once_per_run(key: str, make: Callable[[], T]) -> T:
    """`make()` once per script run of this session, kept in the session state under `key` with the run's
    marker (outside a run: made at each call). An exception is not kept: the next call tries again."""
    run = run_marker()
    earlier = st.session_state.get(key) if run is not None else None
    if earlier is not None and earlier[0] is run:
        return cast(T, earlier[1])
    value = make()
    _keep_this_run(key, value)
    return value


def _keep_this_run(key: str, value: object) -> None:
    """`value` as this run's `once_per_run(key, …)` (outside a run: nothing kept)."""
    run = run_marker()
    if run is not None:
        st.session_state[key] = (run, value)


def run_marker() -> object | None:
    """An object that is new in every script run of this session (None outside a run): the run's cursors,
    which Streamlit creates afresh for each run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    return None if context is None else context.cursors


def acting(store: Store) -> Store:
    """The store as this session's user: the entries it writes itself, in the transaction of an import, an
    undo, a saved scenario or profile, carry the user's roles and address."""
    person = actor()
    return store.acting(role=person.role, address=person.address)


def _record(person: Actor, event: str, detail: str) -> None:
    try:
        store().record_event(who=person.who, event=event, detail=detail, address=person.address, role=person.role)
    except StoreError as exc:  # a log that cannot be written is the server log's business; the page goes on
        log.error("Hændelsen %s kunne ikke logges: %s", event, exc)


def _audit_login(access: Access) -> None:
    """The login, after a role change when the user's roles differ from those of their previous login (the
    identity provider's groups changed)."""
    person = actor()
    try:
        earlier = store().audit_entries(who=access.name, event=events.LOGIN)
    except StoreError as exc:
        log.error("Loggen kunne ikke læses: %s", exc)
        earlier = None
    previous = str(earlier["role"].iloc[-1]) if earlier is not None and len(earlier) else None
    change = events.role_change(previous, access.role_text)
    if change is not None:
        _record(person, events.ROLE_CHANGE, change)
    _record(person, events.LOGIN, access.role_text or "ingen rolle")


def roles_config() -> RolesConfig | None:
    """[roles] as parsed, None without login (local mode)."""
    return parse_roles(_section("roles")) if login_configured() else None


def audit(event: str, detail: str = "") -> None:
    """Record the event (csr.audit's keys) with who, from where and in which role in the audit log. A
    failing log is written to the server's log; it never stops the page."""
    _record(actor(), event, detail)


def audited(make: Callable[[], T], event: str, detail: str, person: Actor | None = None) -> Callable[[], T]:
    """`make` for a deferred download that logs the download when the file is made. Streamlit runs it when
    the browser asks for the file, outside the script, where there is no user to read: who, roles and
    address are taken now, when the button is drawn for this session (or given: `actor()` of this run)."""
    person = actor() if person is None else person

    def made() -> T:
        _record(person, event, detail)
        return make()

    return made


def page_view(title: str) -> None:
    """A page view, once each time the user comes to a page (not at every rerun on it)."""
    if st.session_state.get(_PAGE_AUDITED) == title:
        return
    st.session_state[_PAGE_AUDITED] = title
    audit(events.PAGE_VIEW, title)
