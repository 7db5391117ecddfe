"""The configuration in force in the app: the strategy file with the settings an administrator has stored
(`csr.settings`, the page Indstillinger).

`config_in_force()` is what every page, the frame and the cached computations in `ui.data` and `ui.mapping`
use instead of the strategy file's `default_config()`. It reads the store's version once per script run (one
small query) and builds the configuration once per version: a save in any process moves the version on, so
every session computes with the new settings at its next rerun. `settings_key()` names the settings in force,
for caches keyed on files rather than on the store's version (the sample data, a preview). A store that cannot
be read gives the strategy file's configuration: the pages show the store's own error.
"""

from __future__ import annotations

import hashlib
import json
import threading

import streamlit as st

from csr import settings
from csr.config import Config, default_config
from csr.store import Store, StoreError
from ui import auth

_THIS_RUN = "_settings_this_run"  # (the run's marker, (the configuration in force, its key))
_lock = threading.Lock()


_made: dict[tuple[str, str], tuple[Config, str]] = {}  # (store identity, version) -> `_in_force`


def _in_force(db: Store, version: str) -> tuple[Config, str]:
    """The configuration of the settings stored at `version` and a short key naming them ("" for the strategy
    file as it is), made once per store (with its municipality) and version; the caller holds `_lock`."""
    key_of = (db.identity, version)
    if key_of not in _made:
        overrides = settings.stored(db)
        key = hashlib.sha256(json.dumps(overrides, sort_keys=True).encode()).hexdigest()[:12] if overrides else ""
        if len(_made) >= 16:
            _made.clear()
        _made[key_of] = (settings.in_force(overrides), key)
    return _made[key_of]


def _current() -> tuple[Config, str]:
    """The configuration in force and its key, once per script run (`auth.once_per_run`)."""

    def made() -> tuple[Config, str]:
        try:
            db = auth.store()
            version = auth.store_version()
            with _lock:
                return _in_force(db, version)
        except StoreError:
            # A store that cannot be read holds no settings to use: the strategy file's, and the pages say what is
            # wrong with the store (the Data page, where that is put right, needs no figures).
            return default_config(), ""

    return auth.once_per_run(_THIS_RUN, made)


def config_in_force(fallback: bool = False) -> Config:
    """The strategy file with the stored settings. Stored settings that no longer fit the file raise
    `csr.settings.SettingsError` (a ConfigError, shown by the frame); with `fallback` the strategy file's own
    configuration is returned instead (the page Indstillinger, where they are put right)."""
    try:
        return _current()[0]
    except settings.SettingsError:
        if fallback:
            return default_config()
        raise


def settings_key() -> str:
    """A short name for the settings in force ("" for the strategy file as it is), for cache keys."""
    try:
        return _current()[1]
    except settings.SettingsError:
        return "ugyldige"


def forget() -> None:
    """Drop what this process and session hold of the settings (after saving them)."""
    with _lock:
        _made.clear()
    st.session_state.pop(_THIS_RUN, None)
    auth.forget_version()
