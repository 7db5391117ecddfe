"""csr.auth: [roles] and [auth] checked with Danish sentences, roles from the ID token's claims, what each
role may do, and where an app without login may listen."""

from __future__ import annotations

import pytest

from csr.auth import (
    DEFAULT_CLAIM,
    AuthConfigError,
    Permission,
    Role,
    check_auth_section,
    display_name,
    groups_in,
    listen_allowed,
    municipality_of,
    parse_roles,
    permissions_of,
    roles_of,
)
from csr.config import ConfigError, default_config

ROLES = {
    "claim": "groups",
    "laeser": ["csr-laeser"],
    "hr": ["csr-hr"],
    "planlaegger": ["csr-planlaegger"],
    "administrator": ["csr-admin"],
}
AUTH = {
    "redirect_uri": "https://csr.kommune.dk/oauth2callback",
    "cookie_secret": "en lang og tilfældig hemmelighed",
    "client_id": "csr-dashboard",
    "client_secret": "hemmelig",
    "server_metadata_url": "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration",
}


def roles_for(groups: object, section: dict | None = None) -> frozenset[Role]:
    return roles_of({"sub": "u1", "groups": groups}, parse_roles(section or ROLES))


# ---- role resolution --------------------------------------------------------------------------------


def test_each_group_gives_its_role():
    assert roles_for(["csr-laeser"]) == {Role.LAESER}
    assert roles_for(["csr-hr"]) == {Role.HR}
    assert roles_for(["csr-planlaegger"]) == {Role.PLANLAEGGER}
    assert roles_for(["csr-admin"]) == {Role.ADMINISTRATOR}


def test_a_user_in_several_groups_gets_every_role_and_other_groups_are_ignored():
    assert roles_for(["alle-ansatte", "csr-hr", "csr-planlaegger"]) == {Role.HR, Role.PLANLAEGGER}


def test_groups_claim_as_a_single_string():
    assert roles_for("csr-hr") == {Role.HR}
    assert groups_in({"groups": "  csr-hr "}, "groups") == {"csr-hr"}


def test_missing_or_empty_claim_gives_no_role():
    config = parse_roles(ROLES)
    assert roles_of({"sub": "u1", "name": "Ingen Grupper"}, config) == frozenset()
    assert roles_of({"sub": "u1", "groups": []}, config) == frozenset()
    assert roles_of({"sub": "u1", "groups": ""}, config) == frozenset()
    assert roles_of({"sub": "u1", "groups": None}, config) == frozenset()
    assert roles_of({"sub": "u1", "groups": {"csr-hr": True}}, config) == frozenset()  # not a list: nothing


def test_group_names_match_exactly():
    # Keycloak's "full group path" gives "/csr-hr": it is another name unless [roles] lists it so
    assert roles_for(["/csr-hr", "CSR-HR", "csr-hr2"]) == frozenset()
    assert roles_for(["/csr-hr"], {**ROLES, "hr": ["/csr-hr"]}) == {Role.HR}


def test_another_claim_name_is_read_instead_of_groups():
    config = parse_roles({**ROLES, "claim": "roles"})
    assert config.claim == "roles"
    assert roles_of({"roles": ["csr-hr"], "groups": ["csr-admin"]}, config) == {Role.HR}


def test_the_claim_defaults_to_groups():
    section = {k: v for k, v in ROLES.items() if k != "claim"}
    assert parse_roles(section).claim == DEFAULT_CLAIM == "groups"
    assert roles_for(["csr-laeser"], section) == {Role.LAESER}


def test_a_role_given_as_one_group_string_and_roles_left_out():
    config = parse_roles({"claim": "groups", "hr": "csr-hr"})
    assert config.groups[Role.HR] == {"csr-hr"}
    assert config.groups[Role.LAESER] == frozenset()
    assert roles_of({"groups": ["csr-hr", "csr-laeser"]}, config) == {Role.HR}


# ---- what each role may do -----------------------------------------------------------------------


def test_laeser_sees_figures_only():
    assert permissions_of(frozenset({Role.LAESER})) == {Permission.VIEW}


def test_hr_includes_laeser_and_imports_exports_and_downloads_data():
    assert permissions_of(frozenset({Role.HR})) == {
        Permission.VIEW,
        Permission.IMPORT,
        Permission.DOWNLOAD_DATA,
        Permission.EXPORT_REPORT,
    }


def test_planlaegger_is_laeser_plus_scenarios_not_hr():
    allowed = permissions_of(frozenset({Role.PLANLAEGGER}))
    assert allowed == {Permission.VIEW, Permission.SAVE_SCENARIO}
    assert Permission.IMPORT not in allowed and Permission.DOWNLOAD_DATA not in allowed


def test_administrator_may_do_everything_and_roles_add_up():
    assert permissions_of(frozenset({Role.ADMINISTRATOR})) == set(Permission)
    assert Permission.AUDIT not in permissions_of(frozenset({Role.HR, Role.PLANLAEGGER}))
    assert permissions_of(frozenset({Role.HR, Role.PLANLAEGGER})) == set(Permission) - {
        Permission.AUDIT,
        Permission.SETTINGS,
    }
    assert permissions_of(frozenset()) == frozenset()


def test_refusals_are_danish_sentences():
    assert (
        Permission.IMPORT.refusal
        == "Din rolle giver ikke adgang til at indlæse eller fortryde data, så intet er ændret."
    )
    assert Permission.SAVE_SCENARIO.refusal.startswith(
        "Din rolle giver ikke adgang til at gemme eller slette scenarier"
    )
    assert [r.label for r in Role] == ["læser", "hr", "planlægger", "administrator"]


# ---- [roles] validation ------------------------------------------------------------------------------


def test_missing_roles_section_is_refused():
    with pytest.raises(AuthConfigError, match=r"\[roles\] mangler i secrets.toml, så ingen kan få adgang"):
        parse_roles(None)


def test_unknown_role_names_are_refused_in_danish():
    with pytest.raises(AuthConfigError) as exc:
        parse_roles({**ROLES, "læser": ["csr-laeser"], "admin": ["x"]})
    assert str(exc.value) == (
        "[roles] har ukendte roller: 'admin' og 'læser'. Rollerne hedder administrator, hr, laeser og planlaegger."
    )
    assert isinstance(exc.value, ConfigError)  # the app shows it as it shows a broken strategy.toml
    with pytest.raises(AuthConfigError, match=r"^\[roles\] har en ukendt rolle: 'reader'\."):
        parse_roles({**ROLES, "reader": ["x"]})


@pytest.mark.parametrize("claim", ["", "   ", 3, ["groups"]])
def test_a_claim_that_is_not_a_name_is_refused(claim):
    with pytest.raises(AuthConfigError, match=r"\[roles\] claim skal være navnet på det claim i ID-tokenet"):
        parse_roles({**ROLES, "claim": claim})


@pytest.mark.parametrize("groups", [3, {"a": 1}, ["csr-hr", 7], None])
def test_a_role_that_is_not_a_list_of_names_is_refused(groups):
    with pytest.raises(AuthConfigError, match=r"^\[roles\] hr skal være en liste af gruppenavne"):
        parse_roles({**ROLES, "hr": groups})


def test_roles_without_any_group_are_refused():
    with pytest.raises(AuthConfigError, match="giver ingen grupper nogen rolle"):
        parse_roles({"claim": "groups", "hr": [], "laeser": []})
    with pytest.raises(AuthConfigError, match="indeholder kun tomme gruppenavne"):
        parse_roles({"claim": "groups", "hr": [" "]})


# ---- [auth] validation -------------------------------------------------------------------------------


def test_a_complete_auth_section_passes():
    check_auth_section(AUTH)
    check_auth_section({**AUTH, "redirect_uri": "http://localhost:8501/oauth2callback", "expose_tokens": "id"})


def test_missing_auth_keys_are_named():
    section = {k: v for k, v in AUTH.items() if k not in ("client_secret", "cookie_secret")}
    with pytest.raises(AuthConfigError) as exc:
        check_auth_section(section)
    assert str(exc.value) == (
        "[auth] i secrets.toml mangler cookie_secret og client_secret; login kan ikke bruges, før de er skrevet."
    )
    with pytest.raises(AuthConfigError, match="mangler client_id; login kan ikke bruges, før den er skrevet"):
        check_auth_section({**AUTH, "client_id": "  "})


def test_auth_addresses_must_be_absolute_and_end_in_the_callback():
    with pytest.raises(AuthConfigError, match="server_metadata_url skal være en fuld adresse"):
        check_auth_section({**AUTH, "server_metadata_url": "login.microsoftonline.com/x"})
    with pytest.raises(AuthConfigError, match="redirect_uri skal være appens adresse med /oauth2callback til sidst"):
        check_auth_section({**AUTH, "redirect_uri": "https://csr.kommune.dk/"})


# ---- names and addresses -----------------------------------------------------------------------------


def test_display_name_prefers_the_name_then_email_then_subject():
    assert display_name({"name": "Hanne Hansen", "email": "hh@kommune.dk", "sub": "1"}) == "Hanne Hansen"
    assert display_name({"name": " ", "email": "hh@kommune.dk", "sub": "1"}) == "hh@kommune.dk"
    assert display_name({"preferred_username": "hh", "sub": "1"}) == "hh"
    assert display_name({"sub": "abc-123"}) == "abc-123"
    assert display_name({}) == ""


@pytest.mark.parametrize("address", ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]"])
def test_loopback_addresses_are_allowed_without_login(address):
    assert listen_allowed(address, allow_anonymous=False)


@pytest.mark.parametrize("address", [None, "", "0.0.0.0", "::", "192.168.1.20", "csr.kommune.dk", "10.0.0.1"])
def test_other_addresses_are_refused_without_login_unless_anonymous_is_allowed(address):
    assert not listen_allowed(address, allow_anonymous=False)
    assert listen_allowed(address, allow_anonymous=True)


# ---- the municipality of a user on a shared host ----------------------------------------------------------------

SHARED = {**ROLES, "municipality_claim": "kommunekode"}


def municipality_for(value: object, section: dict | None = None) -> int | None:
    claims = {"sub": "u1", "groups": ["csr-hr"], "kommunekode": value}
    return municipality_of(claims, parse_roles(section or SHARED), default_config().match_municipality)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("510", 510),
        (510, 510),
        ("0510", 510),
        (" Haderslev ", 510),
        ("Haderslev Kommune", 510),
        ("aabenraa", 580),
        ("København", 101),
        ("Århus", 751),
        ("Aarhus", 751),
    ],
)
def test_the_municipality_claim_holds_a_code_or_a_name(value, code):
    assert municipality_for(value) == code


@pytest.mark.parametrize("value", [None, "", "  ", "999", 0, True, ["510"], {"code": 510}, "Atlantis"])
def test_a_missing_or_unknown_municipality_belongs_to_none(value):
    assert municipality_for(value) is None
    claims = {"sub": "u1", "groups": ["csr-hr"]}  # no claim at all
    assert municipality_of(claims, parse_roles(SHARED), default_config().match_municipality) is None


def test_without_a_municipality_claim_the_host_serves_one_municipality():
    config = parse_roles(ROLES)
    assert config.municipality_claim is None
    assert municipality_for("510", ROLES) is None  # the claim is not read: the process's own municipality
    assert parse_roles({**ROLES, "municipality_claim": " kommunekode "}).municipality_claim == "kommunekode"


@pytest.mark.parametrize("claim", ["", "   ", 510, ["kommunekode"]])
def test_a_municipality_claim_that_is_not_a_name_is_refused(claim):
    with pytest.raises(AuthConfigError, match="municipality_claim skal være navnet på det claim"):
        parse_roles({**ROLES, "municipality_claim": claim})
