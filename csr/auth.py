"""Login configuration and roles: which groups give which role, what each role may do, and whether an app
without login may listen where it was told to.

The app reads two sections of Streamlit's secrets (`.streamlit/secrets.toml` or `--secrets.files`):
`[auth]`, Streamlit's own OIDC settings for `st.login`, and `[roles]`, which names the ID-token claim that
holds the user's groups and the groups that give each role. Everything here is pure: the claims and the
sections come in as mappings, so the rules are tested without Streamlit.

Roles (a user in several roles gets every permission of each):
- læser: every figures page, downloads of charts and tables, loading a saved scenario;
- hr: læser + importing and undoing, the HR-regnskab (Rapport) and the data downloads;
- planlægger: læser + saving and deleting scenarios (not importing: planning needs no HR data rights);
- administrator: everything, and (with the audit log) the log and who has which role, and the settings
  (home municipality, neighbours, strategy period and thresholds).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from csr.config import ConfigError
from csr.fmt import join

__all__ = [
    "AUTH_KEYS",
    "DEFAULT_CLAIM",
    "AuthConfigError",
    "Permission",
    "Role",
    "RolesConfig",
    "check_auth_section",
    "display_name",
    "groups_in",
    "listen_allowed",
    "municipality_of",
    "parse_roles",
    "permissions_of",
    "roles_of",
]

DEFAULT_CLAIM = "groups"
# The settings st.login needs in [auth] (Streamlit's own names); `expose_tokens` and `client_kwargs` are optional.
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


class AuthConfigError(ConfigError):
    """[auth] or [roles] in the secrets is broken; the message names the key, in Danish."""


class Role(StrEnum):
    """A role, by its key in [roles]."""

    LAESER = "laeser"
    HR = "hr"
    PLANLAEGGER = "planlaegger"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.LAESER: "læser",
    Role.HR: "hr",
    Role.PLANLAEGGER: "planlægger",
    Role.ADMINISTRATOR: "administrator",
}


class Permission(StrEnum):
    """Something a role may do; `refusal` is the Danish sentence when it may not."""

    VIEW = "view"  # the figures pages, chart and table downloads, loading a saved scenario
    IMPORT = "import"  # importing, undoing an import, saving a column profile (the Data page)
    DOWNLOAD_DATA = "download_data"  # every figure in force and the import history as .xlsx
    EXPORT_REPORT = "export_report"  # the HR-regnskab as PDF and Excel (the Rapport page)
    SAVE_SCENARIO = "save_scenario"  # saving and deleting scenarios
    AUDIT = "audit"  # the audit log and who has which role
    SETTINGS = "settings"  # the home municipality, its neighbours, the strategy period and the thresholds

    @property
    def action(self) -> str:
        """What the permission lets a role do, in Danish ("indlæse eller fortryde data")."""
        return _ACTIONS[self]

    @property
    def refusal(self) -> str:
        return f"Din rolle giver ikke adgang til at {self.action}, så intet er ændret."


_ACTIONS = {
    Permission.VIEW: "se tallene",
    Permission.IMPORT: "indlæse eller fortryde data",
    Permission.DOWNLOAD_DATA: "hente data",
    Permission.EXPORT_REPORT: "hente HR-regnskabet",
    Permission.SAVE_SCENARIO: "gemme eller slette scenarier",
    Permission.AUDIT: "se loggen og rollerne",
    Permission.SETTINGS: "ændre indstillingerne (hjemkommune, omegnskommuner og mål)",
}

_READ = frozenset({Permission.VIEW})
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.LAESER: _READ,
    Role.HR: _READ | {Permission.IMPORT, Permission.DOWNLOAD_DATA, Permission.EXPORT_REPORT},
    Role.PLANLAEGGER: _READ | {Permission.SAVE_SCENARIO},
    Role.ADMINISTRATOR: frozenset(Permission),
}


@dataclass(frozen=True)
class RolesConfig:
    """[roles]: the claim that holds the groups, and the groups that give each role. `municipality_claim`: on a
    shared host, the claim that names the user's municipality (its code or its name); None: one municipality."""

    claim: str
    groups: Mapping[Role, frozenset[str]]
    municipality_claim: str | None = None


def _group_list(value: object, key: str) -> frozenset[str]:
    """A role's groups: a list of names, or one name as a string."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(g, str) for g in items):
        raise AuthConfigError(
            f'[roles] {key} skal være en liste af gruppenavne, fx {key} = ["csr-{key}"]; den er {type(value).__name__}.'
        )
    names = frozenset(g.strip() for g in items if g.strip())
    if not names and items:
        raise AuthConfigError(f"[roles] {key} indeholder kun tomme gruppenavne.")
    return names


def parse_roles(section: Mapping[str, object] | None) -> RolesConfig:
    """[roles] checked: a claim name (default "groups"), only the four role names, each a list of groups
    (or one group as a string), and at least one group in all. Raises AuthConfigError in Danish."""
    if section is None:
        raise AuthConfigError(
            "Login er sat op med [auth], men [roles] mangler i secrets.toml, så ingen kan få adgang. Tilføj "
            '[roles] med claim = "groups" og grupperne for laeser, hr, planlaegger og administrator.'
        )
    if not isinstance(section, Mapping):
        raise AuthConfigError("[roles] i secrets.toml skal være en sektion med claim og en liste af grupper pr. rolle.")
    claim = section.get("claim", DEFAULT_CLAIM)
    if not isinstance(claim, str) or not claim.strip():
        raise AuthConfigError(
            '[roles] claim skal være navnet på det claim i ID-tokenet, der har brugerens grupper, fx claim = "groups".'
        )
    municipality_claim = section.get("municipality_claim")
    if municipality_claim is not None and (not isinstance(municipality_claim, str) or not municipality_claim.strip()):
        raise AuthConfigError(
            "[roles] municipality_claim skal være navnet på det claim i ID-tokenet, der har brugerens kommune "
            '(kommunekoden eller navnet), fx municipality_claim = "kommunekode".'
        )
    known = {r.value for r in Role}
    unknown = sorted(k for k in section if k not in ("claim", "municipality_claim") and k not in known)
    if unknown:
        raise AuthConfigError(
            f"[roles] har {'en ukendt rolle' if len(unknown) == 1 else 'ukendte roller'}: "
            f"{join([repr(u) for u in unknown])}. Rollerne hedder {join(sorted(known))}."
        )
    groups = {role: _group_list(section[role.value], role.value) for role in Role if role.value in section}
    if not any(groups.values()):
        raise AuthConfigError(
            '[roles] giver ingen grupper nogen rolle, så ingen kan få adgang. Skriv fx hr = ["csr-hr"].'
        )
    return RolesConfig(
        claim=claim.strip(),
        groups={r: groups.get(r, frozenset()) for r in Role},
        municipality_claim=municipality_claim.strip() if isinstance(municipality_claim, str) else None,
    )


def check_auth_section(section: Mapping[str, object]) -> None:
    """[auth] has what st.login needs, as absolute URLs where Streamlit wants them; raises AuthConfigError
    in Danish before a user presses "Log ind" and meets Streamlit's English error instead."""
    missing = [k for k in AUTH_KEYS if not isinstance(section.get(k), str) or not str(section.get(k)).strip()]
    if missing:
        raise AuthConfigError(
            f"[auth] i secrets.toml mangler {join(missing)}; login kan ikke bruges, før "
            f"{'den er' if len(missing) == 1 else 'de er'} skrevet."
        )
    for key in ("redirect_uri", "server_metadata_url"):
        value = str(section[key])
        if not value.startswith(("https://", "http://")):
            raise AuthConfigError(
                f"[auth] {key} skal være en fuld adresse, der begynder med https://; den er {value!r}."
            )
    if not str(section["redirect_uri"]).rstrip("/").endswith("/oauth2callback"):
        raise AuthConfigError(
            "[auth] redirect_uri skal være appens adresse med /oauth2callback til sidst, "
            'fx "https://csr.kommune.dk/oauth2callback".'
        )


def groups_in(claims: Mapping[str, object], claim: str) -> frozenset[str]:
    """The groups in the user's claim: a list of names, or one name as a string; none when it is missing."""
    value = claims.get(claim)
    if isinstance(value, str):
        return frozenset({value.strip()}) if value.strip() else frozenset()
    if isinstance(value, list | tuple):
        return frozenset(str(g).strip() for g in value if isinstance(g, str | int) and str(g).strip())
    return frozenset()


def roles_of(claims: Mapping[str, object], config: RolesConfig) -> frozenset[Role]:
    """Every role one of the user's groups gives; none for a user in none of the groups."""
    groups = groups_in(claims, config.claim)
    return frozenset(role for role, names in config.groups.items() if names & groups)


def municipality_of(
    claims: Mapping[str, object], config: RolesConfig, match: Callable[[object], int | None]
) -> int | None:
    """The code of the user's municipality on a shared host: the claim `config.municipality_claim` holds a code
    ("563", 563) or a name ("Haderslev", "Haderslev Kommune"), read with `match` (the strategy file's
    `Config.match_municipality`). None when the claim is missing, empty, a list or names no municipality: such a
    user belongs to none and sees nothing."""
    if config.municipality_claim is None:
        return None
    value = claims.get(config.municipality_claim)
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return match(text) if text else None


def permissions_of(roles: frozenset[Role]) -> frozenset[Permission]:
    """What the roles together may do."""
    return frozenset(p for role in roles for p in ROLE_PERMISSIONS[role])


def display_name(claims: Mapping[str, object]) -> str:
    """The user as people read it: the name, else the e-mail, the user name or the subject."""
    for key in ("name", "email", "preferred_username", "sub"):
        value = claims.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def listen_allowed(address: str | None, allow_anonymous: bool) -> bool:
    """An app without login may listen on a loopback address (127.0.0.0/8, ::1, localhost) only, unless
    anonymous access is allowed explicitly. No address (Streamlit's default) means every interface."""
    if allow_anonymous:
        return True
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False
