"""The settings an administrator changes without editing the strategy file: the home municipality and its
neighbours, the strategy period (first and last year) and the min-share targets' thresholds by year.

They are kept in the store (`Store.save_settings`, the table `settings`) as overrides of the strategy file:
only what differs from the file is stored, so the file stays the way to start and still decides everything
else. The configuration in force is the strategy file's TOML document with the overrides written into it,
validated by `csr.config.parse_config` like the file itself: the rules live once, and an error names the key.

The page Indstillinger and `python -m csr settings export|import` use the same functions; the settings in
force are exported as TOML (`to_toml`) with the strategy file's own key names, and read back with
`from_toml`.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from csr.config import MAX_CONFIG_BYTES, Config, ConfigError, default_raw, parse_config, parse_toml

if TYPE_CHECKING:
    from csr.store import Store

STRATEGY_KEYS = ("name", "organisation", "accessibility_statement", "home", "neighbours", "first_year", "last_year")
THRESHOLD_KEYS = ("from", "value", "name", "description")
TOP_KEYS = ("strategy", "targets")


class SettingsError(ConfigError):
    """Settings that cannot be used; the message names the key, in Danish."""


# ---- checking and applying ------------------------------------------------------------------------------


def check_overrides(payload: object) -> dict:
    """The overrides' shape: only the keys settings may change, each where it belongs. The values themselves are
    checked by `parse_config` once applied. Returns a plain copy."""
    if not isinstance(payload, Mapping):
        raise SettingsError("Indstillingerne skal være en tabel med [strategy] og [[targets]].")
    for key in payload:
        if key not in TOP_KEYS:
            raise SettingsError(
                f"Nøglen '{key}' kan ikke ændres under indstillingerne; den hører til strategifilen. "
                f"Indstillingerne kan have [strategy] ({', '.join(STRATEGY_KEYS)}) og [[targets]] (id og "
                "thresholds)."
            )
    out: dict[str, Any] = {}
    strategy = payload.get("strategy", {})
    if not isinstance(strategy, Mapping):
        raise SettingsError("Nøglen 'strategy' skal være en tabel ([strategy]).")
    for key in strategy:
        if key not in STRATEGY_KEYS:
            raise SettingsError(
                f"Nøglen 'strategy.{key}' kan ikke ændres under indstillingerne; den hører til strategifilen. "
                f"Under [strategy] kan indstillingerne have {', '.join(STRATEGY_KEYS)}."
            )
    if strategy:
        out["strategy"] = copy.deepcopy(dict(strategy))
    targets = payload.get("targets", [])
    if not isinstance(targets, list):
        raise SettingsError("Nøglen 'targets' skal være en liste af mål ([[targets]]).")
    seen: set[str] = set()
    checked = []
    for i, t in enumerate(targets):
        where = f"targets[{i}]"
        if not isinstance(t, Mapping):
            raise SettingsError(f"Nøglen '{where}' skal være en tabel med 'id' og 'thresholds'.")
        tid = t.get("id")
        if not isinstance(tid, str) or not tid:
            raise SettingsError(f"Nøglen '{where}.id' mangler: skriv målets id fra strategifilen.")
        for key in t:
            if key not in ("id", "thresholds"):
                raise SettingsError(
                    f"Nøglen '{where}.{key}' ({tid}) kan ikke ændres under indstillingerne; kun 'thresholds' kan."
                )
        if "thresholds" not in t:
            raise SettingsError(f"Nøglen '{where}.thresholds' ({tid}) mangler.")
        if tid in seen:
            raise SettingsError(f"Nøglen 'targets' nævner målet '{tid}' to gange.")
        seen.add(tid)
        thresholds = t["thresholds"]
        if not isinstance(thresholds, list):
            raise SettingsError(f"Nøglen '{where}.thresholds' ({tid}) skal være en liste af tærskler.")
        for j, th in enumerate(thresholds):
            at = f"{where}.thresholds[{j}]"
            if not isinstance(th, Mapping):
                raise SettingsError(f"Nøglen '{at}' ({tid}) skal være en tabel med 'from' og 'value'.")
            for key in th:
                if key not in THRESHOLD_KEYS:
                    raise SettingsError(
                        f"Nøglen '{at}.{key}' ({tid}) kendes ikke; en tærskel har {', '.join(THRESHOLD_KEYS)}."
                    )
            value = th.get("value")
            if isinstance(value, float) and not math.isfinite(value):
                raise SettingsError(f"Nøglen '{at}.value' ({tid}) skal være et tal, men er {value!r}.")
        checked.append({"id": tid, "thresholds": copy.deepcopy(list(thresholds))})
    if checked:
        out["targets"] = checked
    return out


def apply_overrides(raw: Mapping, overrides: Mapping) -> dict:
    """The strategy file's TOML document with the (checked) overrides written into it; `raw` is not changed."""
    merged = copy.deepcopy(dict(raw))
    strategy = merged.get("strategy")
    if overrides.get("strategy"):
        if not isinstance(strategy, dict):
            raise SettingsError("Strategifilen mangler [strategy], så indstillingerne kan ikke bruges.")
        new = copy.deepcopy(overrides["strategy"])
        moved = "home" in new and new["home"] != strategy.get("home")
        if moved and new.get("organisation", strategy.get("organisation")) == strategy.get("organisation"):
            # The figures and the report name the organisation: with a new home it is "<name> Kommune", unless
            # the settings name another organisation than the strategy file's.
            names = {
                m.get("code"): m.get("name")
                for m in merged.get("municipalities", [])
                if isinstance(m, dict) and isinstance(m.get("name"), str)
            }
            if new["home"] in names:
                new["organisation"] = f"{names[new['home']]} Kommune"
        statement = strategy.get("accessibility_statement", "")
        if moved and new.get("accessibility_statement", statement) == statement:
            # The file's accessibility statement is its organisation's: another home links none until it has its own.
            new["accessibility_statement"] = ""
        strategy.update(new)
    file_targets = merged.get("targets")
    for t in overrides.get("targets", []):
        found = [
            ft
            for ft in (file_targets if isinstance(file_targets, list) else [])
            if isinstance(ft, dict) and ft.get("id") == t["id"]
        ]
        if not found:
            raise SettingsError(
                f"Indstillingerne nævner målet '{t['id']}' under 'targets', men det findes ikke i strategifilen."
            )
        if found[0].get("kind") != "min_share":
            raise SettingsError(
                f"Målet '{t['id']}' har ingen tærskler (det er af typen {found[0].get('kind')!r}); kun mål af typen "
                "'min_share' har tærskler, der kan ændres."
            )
        found[0]["thresholds"] = copy.deepcopy(t["thresholds"])
    return merged


def config_with(raw: Mapping, overrides: object, source: str = "") -> Config:
    """The configuration of the strategy file `raw` with the overrides, validated as the file is."""
    return parse_config(apply_overrides(raw, check_overrides(overrides)), source=source)


# ---- the settings of a configuration -----------------------------------------------------------------


def settings_of(config: Config) -> dict:
    """Everything the settings decide, as a payload (the keys of the strategy file): what is exported."""
    from csr.text import strategy_first_year

    return {
        "strategy": {
            "name": config.name,
            "organisation": config.organisation,
            "accessibility_statement": config.accessibility_statement,
            "home": config.home,
            "neighbours": list(config.neighbours),
            "first_year": strategy_first_year(config),
            "last_year": config.last_year,
        },
        "targets": [
            {
                "id": t.id,
                "thresholds": [
                    {
                        "from": th.from_year,
                        "value": th.value,
                        **({"name": th.name} if th.name else {}),
                        **({"description": th.description} if th.description else {}),
                    }
                    for th in t.thresholds
                ],
            }
            for t in config.targets
            if t.kind == "min_share"
        ],
    }


def difference(config: Config, base: Config) -> dict:
    """The overrides that turn `base` (the strategy file's configuration) into `config`: only what differs."""
    new, old = settings_of(config), settings_of(base)
    out: dict[str, Any] = {}
    strategy = {k: v for k, v in new["strategy"].items() if v != old["strategy"][k]}
    if strategy:
        out["strategy"] = strategy
    before = {t["id"]: t for t in old["targets"]}
    targets = [t for t in new["targets"] if before.get(t["id"]) != t]
    if targets:
        out["targets"] = targets
    return out


def describe(config: Config, base: Config) -> str:
    """What the settings change against the strategy file, in Danish (the audit entry's detail)."""
    diff = difference(config, base)
    if not diff:
        return "Indstillingerne er strategifilens (intet ændret i forhold til den)."
    parts = []
    strategy = diff.get("strategy", {})
    if "name" in strategy or "organisation" in strategy:
        parts.append(f"strategi «{config.name}» for {config.organisation}")
    if "home" in strategy:
        parts.append(f"hjemkommune {config.home_name} ({config.home})")
    if "neighbours" in strategy:
        parts.append("omegnskommuner " + ", ".join(config.neighbour_names))
    if "first_year" in strategy or "last_year" in strategy:
        from csr.text import strategy_first_year

        parts.append(f"strategiperiode {strategy_first_year(config)}-{config.last_year}")
    for t in diff.get("targets", []):
        target = config.target(t["id"])
        shown = "; ".join(f"fra {th.from_year}: {percent_text(th.value)}" for th in target.thresholds)
        parts.append(f"tærskler for '{t['id']}' {shown}")
    return "Indstillinger gemt: " + ", ".join(parts) + "."


def percent_text(value: float) -> str:
    """ "15 %", "2,5 %"."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",") + " %"


def parse_percent(typed: str, where: str) -> float:
    """A percentage as a person types it ("15", "2,5", "2,5 %"; Danish decimals as the importers read them),
    between 0 and 100; otherwise the Danish reason, naming `where`."""
    from csr.importers.cells import parse_number

    value = parse_number(typed.strip().removesuffix("%"))
    if not isinstance(value, float):
        raise SettingsError(f"{where} skal være et tal som 15 eller 2,5, ikke «{typed.strip()}».")
    if not 0 <= value <= 100:
        raise SettingsError(f"{where} skal være en procent mellem 0 og 100, ikke «{typed.strip()}».")
    return value


# ---- TOML ---------------------------------------------------------------------------------------------


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise SettingsError(f"Værdien {value!r} kan ikke skrives som TOML.")


def to_toml(payload: Mapping, comment: str = "") -> str:
    """The settings as TOML with the strategy file's key names (readable by `from_toml`)."""
    lines = [f"# {line}" for line in comment.splitlines()]
    strategy = payload.get("strategy", {})
    if strategy:
        lines += ([""] if lines else []) + ["[strategy]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in strategy.items()]
    for t in payload.get("targets", []):
        lines += ["", "[[targets]]", f"id = {_toml_value(t['id'])}", "thresholds = ["]
        lines += [f"  {_toml_value(th)}," for th in t["thresholds"]]
        lines.append("]")
    return "\n".join(lines) + "\n"


def from_toml(content: bytes, name: str = "indstillingerne") -> dict:
    """Settings read from TOML, their shape checked (apply them with `config_with` to check the values)."""
    if len(content) > MAX_CONFIG_BYTES:
        raise SettingsError(
            f"Filen {name} er for stor til at være indstillinger (højst {MAX_CONFIG_BYTES // (1024 * 1024)} MB)."
        )
    return check_overrides(parse_toml(content, name))


# ---- the settings in force ----------------------------------------------------------------------------


def base_config(raw: Mapping | None = None, source: str = "") -> Config:
    """The strategy file's own configuration (the default file's when `raw` is None)."""
    if raw is None:
        raw, source = default_raw()
    return parse_config(copy.deepcopy(dict(raw)), source=source)


def stored(store: Store, raw: Mapping | None = None) -> dict:
    """The overrides stored (empty when none has been saved, or after a return to the strategy file); for the
    store of one municipality of a shared host, with that municipality as home (`for_municipality` over the
    strategy file `raw`, default the one in use)."""
    saved = store.settings()
    overrides = {} if saved is None else saved.payload
    return overrides if store.fixed_home is None else for_municipality(overrides, store.fixed_home, raw)


def for_municipality(overrides: Mapping, code: int, raw: Mapping | None = None) -> dict:
    """The overrides of a municipality's own store (a shared host): its home is that municipality. Until its
    administrator saves settings of its own, a municipality other than the strategy file's home starts from the
    file: its targets and thresholds, organisation "<name> Kommune", and the file's neighbours with the file's
    home in place of the municipality itself (the Indstillinger page says they are the file's). Stored settings
    that name another home are refused: one municipality's settings never make it show another's figures."""
    if raw is None:
        raw, _source = default_raw()
    strategy_raw = raw.get("strategy")
    file_home = strategy_raw.get("home") if isinstance(strategy_raw, Mapping) else None
    strategy = dict(overrides.get("strategy", {}))
    home = strategy.get("home", file_home)
    if home == code:
        return dict(overrides)
    if "home" in strategy:
        raise SettingsError(
            f"De gemte indstillinger har kommunekode {home} som hjemkommune, men tallene her er kommune {code}'s. "
            "Gem indstillingerne igen på siden Indstillinger."
        )
    strategy["home"] = code
    if "neighbours" not in strategy and isinstance(strategy_raw, Mapping):
        file_neighbours = strategy_raw.get("neighbours")
        if isinstance(file_neighbours, list):
            strategy["neighbours"] = [file_home if c == code else c for c in file_neighbours]
    return {**overrides, "strategy": strategy}


def home_fixed_refusal(store: Store, config: Config) -> str | None:
    """Why `config` cannot be saved in `store`: on a shared host the home is the store's municipality."""
    code = store.fixed_home
    if code is None or config.home == code:
        return None
    return (
        f"Hjemkommunen er {config.municipality_label(code)}, den kommune, tallene her hører til; den kan ikke "
        f"ændres til {config.municipality_label(config.home)} her."
    )


def in_force(overrides: Mapping, raw: Mapping | None = None, source: str = "") -> Config:
    """The configuration in force: the strategy file (`raw`, default the default file) with the overrides.
    Stored overrides that no longer fit the file are refused with the reason and where to fix it."""
    if raw is None:
        raw, source = default_raw()
    if not overrides:
        return parse_config(copy.deepcopy(dict(raw)), source=source)
    try:
        return config_with(raw, overrides, source)
    except ConfigError as exc:
        raise SettingsError(
            f"De gemte indstillinger passer ikke til strategifilen: {exc} Ret dem på siden Indstillinger, eller "
            "indlæs andre med 'python -m csr settings import FIL'."
        ) from None


def save(store: Store, settings: object, who: str = "", raw: Mapping | None = None, source: str = "") -> Config:
    """Validate `settings` (a full or partial payload) over the strategy file and store what differs from the
    file, with an audit entry naming who and what; returns the configuration now in force."""
    if raw is None:
        raw, source = default_raw()
    if store.fixed_home is not None:
        checked = check_overrides(settings)
        if "home" not in checked.get("strategy", {}):  # the municipality's own home (another is refused below)
            settings = for_municipality(checked, store.fixed_home, raw)
    config = config_with(raw, settings, source)
    refusal = home_fixed_refusal(store, config)
    if refusal is not None:
        raise SettingsError(refusal)
    base = base_config(raw, source)
    store.save_settings(difference(config, base), who=who, detail=describe(config, base))
    return config
