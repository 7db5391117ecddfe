"""The pages' caches of the stored data (`ui.data`) are keyed on the store's identity without the database
password: no hashed argument of a cached function, and no session state key, holds it, and two addresses of
one database that differ only in the password share one cache entry."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from csr import db
from csr.importers import import_uploads
from csr.store import Store

pytest_plugins = ("postgres_support",)  # the PostgreSQL server and a database per test

SECRET = "hemmeligt-kodeord-42"


def recording(function: Any, calls: list[dict[str, Any]]) -> Callable[..., Any]:
    """`function` (an st.cache_data function), recording each call's arguments by parameter name."""
    signature = inspect.signature(function)

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(dict(signature.bind(*args, **kwargs).arguments))
        return function(*args, **kwargs)

    spy.clear = function.clear  # type: ignore[attr-defined]  # as `ui.data.forget` calls it
    return spy


def test_the_identity_hides_the_password(postgres_url, tmp_path):
    url = postgres_url.replace("postgres@", f"postgres:{SECRET}@")
    identity = Store(url).identity
    assert SECRET not in identity and identity == postgres_url.replace("postgres@", "postgres:***@")
    assert Store(tmp_path / "data").identity == str(tmp_path / "data")


@pytest.mark.slow  # the sample workbooks are parsed in a guarded child process
def test_the_figures_cache_is_keyed_without_the_database_password(postgres_url, monkeypatch):
    import streamlit as st

    import ui.data as data

    with_secret = postgres_url.replace("postgres@", f"postgres:{SECRET}@")  # the test server trusts any password
    other_password = postgres_url.replace("postgres@", "postgres:et-andet-kodeord@")
    sample = data.sample_uploads()
    Store(with_secret).add_batch(sample, import_uploads(sample))

    calls: dict[str, list[dict[str, Any]]] = {"_stored": [], "_snapshot": []}
    for name, found in calls.items():
        monkeypatch.setattr(data, name, recording(getattr(data, name), found))
    reads: list[str] = []
    snapshot = Store.snapshot
    monkeypatch.setattr(Store, "snapshot", lambda self: reads.append(self.identity) or snapshot(self))
    data.forget()
    st.session_state.clear()
    try:
        monkeypatch.setenv(db.DATABASE_URL_ENV, with_secret)
        first = data.load_figures()
        assert not first.sample and first.figures.home_years(data.config_in_force())
        assert len(calls["_stored"]) == 1 and len(calls["_snapshot"]) == 1 and len(reads) == 1
        for name, made in calls.items():
            for arguments in made:
                hashed = {k: v for k, v in arguments.items() if not k.startswith("_")}  # what st.cache_data hashes
                assert hashed and SECRET not in repr(hashed), name
                assert SECRET in str(arguments["_db"].url)  # the store it reads holds it, unhashed
        kept = [*st.session_state.get("_datasets", {}), *(f"{k}={v!r}" for k, v in st.session_state.to_dict().items())]
        assert kept and not [k for k in kept if SECRET in k]  # no key, and nothing kept in the session, holds it

        # Another session, the same database through an address with another password: the same cache entry.
        st.session_state.clear()
        monkeypatch.setenv(db.DATABASE_URL_ENV, other_password)
        second = data.load_figures()
        assert len(reads) == 1 and len(calls["_snapshot"]) == 1  # a cache hit: the store was not read again
        assert second.figures.home_years(data.config_in_force()) == first.figures.home_years(data.config_in_force())
        assert len(calls["_stored"]) == 2 and calls["_stored"][0]["identity"] == calls["_stored"][1]["identity"]
    finally:
        data.forget()
        st.session_state.clear()
        db.dispose(with_secret)
        db.dispose(other_password)
