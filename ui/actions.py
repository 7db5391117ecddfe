"""Every change a page makes to the store, each checked against the user's role on the server first.

The pages draw a button only for a role that may use it; these functions check again, so a request for a
button that was never drawn (or a session whose role changed) changes nothing and gets the Danish refusal
(`ui.auth.AccessDenied`, a StoreError, so the pages show it as they show the store's own sentences). With
login the change is recorded under the user's name from the identity provider, never a typed one; the store
writes its audit entry in the transaction of the change, with the user's roles and address.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from csr.auth import Permission
from csr.model import ImportResult
from csr.store import BatchInfo, SavedProfile, Scenario, Store
from ui import auth


def add_batch(
    store: Store,
    uploads: Sequence[tuple[str, bytes]],
    result: ImportResult,
    typed_who: str = "",
    progress: Callable[[int, int], object] | None = None,
) -> BatchInfo:
    """Store a confirmed import (hr)."""
    auth.check(Permission.IMPORT)
    return auth.acting(store).add_batch(uploads, result, who=auth.author(typed_who), progress=progress)


def undo(store: Store, batch_id: int, typed_who: str = "") -> BatchInfo:
    """Undo an import (hr)."""
    auth.check(Permission.IMPORT)
    return auth.acting(store).undo(batch_id, who=auth.author(typed_who))


def save_profile(store: Store, name: str, payload: dict, typed_who: str = "") -> SavedProfile:
    """Save a column profile for files the importer does not know (hr: it decides what an import reads)."""
    auth.check(Permission.IMPORT)
    return auth.acting(store).save_profile(name, payload, who=auth.author(typed_who))


def save_scenario(store: Store, name: str, payload: dict) -> Scenario:
    """Save (or overwrite) a scenario (planlægger)."""
    auth.check(Permission.SAVE_SCENARIO)
    return auth.acting(store).save_scenario(name, payload, who=auth.author())


def delete_scenario(store: Store, name: str) -> None:
    """Delete a scenario (planlægger)."""
    auth.check(Permission.SAVE_SCENARIO)
    auth.acting(store).delete_scenario(name, who=auth.author())
