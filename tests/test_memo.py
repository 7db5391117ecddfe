"""ui/widgets.memo and the chart cache: the key holds everything a builder reads, so a variable left out
of `params` cannot return a value cached for another."""

from __future__ import annotations

import streamlit as st

from ui import widgets


def setup_function() -> None:
    st.cache_data.clear()


def test_a_captured_variable_left_out_of_params_is_part_of_the_key():
    def page(n: int) -> int:
        return widgets.memo("captured", "data-1", (), lambda: n * 10)

    assert page(1) == 10
    assert page(2) == 20  # keyed on the lambda's bytecode alone, this was 10 again
    assert page(1) == 10


def test_a_page_variable_read_by_the_builder_is_part_of_the_key():
    """A page script's lambda reads the page's module-level `year`, not a closure."""
    page = compile("value = widgets.memo('page', 'data-1', (), lambda: {'year': year})", "page.py", "exec")
    namespace: dict = {"widgets": widgets, "year": 2019}
    exec(page, namespace)
    assert namespace["value"] == {"year": 2019}
    namespace["year"] = 2020
    exec(page, namespace)
    assert namespace["value"] == {"year": 2020}


def test_a_default_argument_is_part_of_the_key():
    values = [widgets.memo("default", "data-1", (), lambda g=group: g.upper()) for group in ("a", "b")]
    assert values == ["A", "B"]


def test_the_same_builder_and_values_are_built_once():
    calls: list[int] = []
    record = calls.append  # a callable: code, not a value of the key

    def build(n: int) -> int:
        record(n)
        return n

    def page(n: int) -> int:
        return widgets.memo("once", "data-1", (), lambda: build(n))

    assert [page(3), page(3), page(4)] == [3, 3, 4]
    assert calls == [3, 4]


def test_the_data_key_still_separates_datasets():
    assert widgets.memo("data", "data-1", (), lambda: 1) == 1
    assert widgets.memo("data", "data-2", (), lambda: 2) == 2


def test_a_page_variable_read_by_a_page_function_the_builder_calls_is_part_of_the_key():
    page = compile(
        "def texts():\n    return f'år {year}'\nvalue = widgets.memo('helper', 'data-1', (), lambda: texts())",
        "page.py",
        "exec",
    )
    namespace: dict = {"widgets": widgets, "year": 2019}
    exec(page, namespace)
    assert namespace["value"] == "år 2019"
    namespace["year"] = 2020
    exec(page, namespace)
    assert namespace["value"] == "år 2020"


def test_the_session_key_keeps_values_of_different_types_apart():
    """A rerun finds this session's values by a key of plain values (`widgets._plain`): True, 1 and 1.0 are
    equal in Python, but the caches keep them apart, and so must the session's key."""
    assert len({widgets._plain(v) for v in (True, 1, 1.0, "1")}) == 4
    assert widgets._plain(((2021,), [1, 2], {"a": None})) == widgets._plain(((2021,), [1, 2], {"a": None}))
    assert widgets._plain([1, 2]) != widgets._plain((1, 2))
    for unplain in (object(), [object()], {"a": {1, object()}}):
        try:
            widgets._plain(unplain)
        except TypeError:
            continue
        raise AssertionError(f"{unplain!r} made a key")


def _session_page() -> None:
    """A page (AppTest.from_function) whose builder reads `n` from the session; it counts its builds."""
    import streamlit as st

    from ui import widgets

    n = st.session_state.get("n", 1)
    record = st.session_state.setdefault("builds", []).append  # a callable: code, not a value of the key

    def build() -> int:
        record(n)
        return n * 10

    st.session_state["shown"] = widgets.memo("session", "data-1", (), build)
    st.session_state["kept"] = len(st.session_state.get("_widgets_kept", {}))


def test_a_rerun_reuses_the_sessions_value_and_a_changed_value_gets_its_own():
    """In a script run the session keeps what the caches gave (`widgets._kept`): the same key is neither
    built nor looked up again, and a captured value that changed is a new key."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_session_page)
    at.run()
    assert at.session_state["shown"] == 10 and at.session_state["kept"] == 1
    at.run()
    assert at.session_state["shown"] == 10 and at.session_state["builds"] == [1]
    at.session_state["n"] = 2
    at.run()
    assert at.session_state["shown"] == 20 and at.session_state["kept"] == 2
    at.session_state["n"] = 1
    at.run()
    assert at.session_state["shown"] == 10
    assert at.session_state["builds"] == [1, 2]  # 1 and 2 built once each
