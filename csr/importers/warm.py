"""Imported by the import server (the forkserver of `csr.importers.safety`) to warm it up.

pandas and pyarrow set up a good deal on first use (string arrays, factorizing, numeric parsing).
Every guarded parse runs in a child forked from the server, so warming the server once makes every
upload start warm instead of paying that set-up again in each child.
"""

from __future__ import annotations

from csr.config import default_config
from csr.importers import parse_upload

_SAMPLE = (
    "Kommune;Måned;Ordning;Antal\n"
    "Aabenraa;2024-02;Ansatte i alt;4.700\n"
    "Aabenraa;2024M05;Fleksjob;210,5\n"
    "Esbjerg;feb 2024;Fleksjob;..\n"
).encode()

parse_upload("opvarmning.csv", _SAMPLE, "csv", default_config())
