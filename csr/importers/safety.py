"""The safety layer for uploaded files: cheap content checks and crash-proof isolated parsing.

`check_upload` looks at an upload's bytes (never its extension) and either returns its kind,
"xlsx", "xls" or "csv", or raises `InputError` with one Danish sentence naming the file. It only
reads the zip central directory and the first 64 KB of each worksheet, so it is cheap.

`run_isolated` runs a parser in a child process with a memory limit and a timeout, so that a
crafted workbook that makes python-calamine abort the process (SIGABRT from a failed Rust
allocation, e.g. a cell at XFD1048576 or a row numbered 1,000,000,000) or exhausts memory only
kills the child; the Streamlit server, shared by every user, survives. `fits_in_server` says when a small
CSV or JSON file may be parsed in the server process instead (`run_in_server`, in the same queue).
"""

# Measured on the development machine (Linux, 2 shared vCPUs under load from other jobs, Python
# 3.11.7, pandas 3.1.1; medians of 20 calls, resp. 5 for the DataFrame, ranges over repeated runs):
#   run_isolated, trivial function returning an int:
#     fork        6-13 ms per call (the parent already importing pandas, with or without streamlit)
#     forkserver  9-13 ms per call; the first call 0.5-1.5 s (starts the server, preloads pandas,
#                 calamine and csr)
#   run_isolated returning a 1,000,000-row DataFrame (float64, 2 x int32, 2 x category; 17 MB
#     pickled): 0.07-0.25 s on top of the 0.03-0.05 s it takes to build, fork and forkserver alike
#     (pickle, pipe, unpickle, child exit; an in-process pickle round trip alone is 0.015-0.03 s)
#   check_upload on a 30 MB xlsx (840,000 rows x 6 columns): 3 ms, against 7.8 s for calamine's
#     to_python on the same file (about 1:2,600); on a 30 MB CSV 60-120 ms (encoding validation).

from __future__ import annotations

import codecs
import contextvars
import html
import io
import logging
import pickle
import re
import signal
import struct
import threading
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import connection, get_all_start_methods, get_context, spawn
from multiprocessing.context import ForkContext, ForkServerContext, SpawnContext
from typing import Any, TypeVar

import olefile  # installed with msoffcrypto-tool

from csr.model import ERROR, Finding, InputError

log = logging.getLogger(__name__)

T = TypeVar("T")

XLSX = "xlsx"
XLS = "xls"
CSV = "csv"
JSON = "json"  # the jobindsats.dk API's JSON saved to a file (parsed in the guarded child)

MB = 1024 * 1024
HEAD_BYTES = 64 * 1024  # how much of each worksheet's XML check_upload decompresses
META_BYTES = 1024 * 1024  # how much of workbook.xml and its rels is read to name the sheets
MAX_MEMBERS = 10_000  # parts in one xlsx zip; real workbooks have tens to a few hundred
MAX_CENTRAL_DIRECTORY = 16 * MB  # bytes of zip central directory parsed in the server process
RATIO_MIN_SIZE = 1 * MB  # the compression ratio is only judged for members larger than this
TEXT_CHUNK = 4 * MB  # text is validated in chunks so a 200 MB CSV is never decoded at once
MAX_CONTROL_SHARE = 0.01  # control characters (besides tab, CR, LF) tolerated in a text file

# Modules the forkserver imports once, so each isolated job starts with them loaded. Missing ones
# are skipped silently by multiprocessing; on Python 3.11 the forkserver finds them through the
# working directory and site-packages only (it ignores the parent's sys.path), so run the app from
# the repository root or install the package, or each job imports csr itself (~70 ms).
FORKSERVER_PRELOAD = ["csr.importers", "csr.importers.safety", "pandas", "python_calamine", "csr.importers.warm"]
PROCESS_NAME = "csr-isolated"


@dataclass(frozen=True)
class Limits:
    """The limits an upload and its isolated parsing must stay within."""

    max_bytes: int = 200 * 1024 * 1024  # upload size
    max_uncompressed: int = 1024 * 1024 * 1024  # sum of declared uncompressed sizes in an xlsx zip
    max_ratio: float = 200.0  # compression ratio of any member larger than 1 MB
    max_cells: int = 50_000_000  # declared rows * columns of one sheet
    max_rows: int = 5_000_000
    memory_bytes: int = 4 * 1024**3  # RLIMIT_AS for the child process
    timeout_s: float = 300.0
    # A reader allocates every cell of a sheet's extent from A1 (~70 bytes each in calamine and Python, measured:
    # a 5.6 KB .xls with one cell at IV65536 took 1.2 GB), so beyond max_sparse_cells a sheet must hold at least
    # one byte (uncompressed XML, resp. BIFF records) per cells_per_byte cells of its extent; real sheets hold 6+.
    max_sparse_cells: int = 1_000_000
    cells_per_byte: float = 8.0
    max_shared_strings: int = 200 * 1024 * 1024  # uncompressed xl/sharedStrings.xml (parsed ~2.7 x its size)
    max_sheet_xml: int = 1024 * 1024 * 1024  # uncompressed XML of one worksheet
    # Guarded parses of this process at once (each child may take memory_bytes): a queue beyond that.
    max_parallel: int = 2
    memory_budget: int = 8 * 1024**3  # sum of the memory_bytes of the children running at once
    queue_timeout_s: float = 600.0  # how long a parse waits for a free place before it gives up
    # A CSV or JSON file within both of these is parsed in the server process (see `fits_in_server`): the csv and
    # json modules raise exceptions rather than abort, and these caps bound its memory (~150 bytes a cell, measured).
    server_text_bytes: int = 16 * MB
    server_text_cells: int = 1_000_000  # field separators and line breaks in the file (each at most one cell)


LIMITS = Limits()


# --------------------------------------------------------------------------- messages


def _the_file(name: str) -> str:
    return f"Filen {name}" if name else "Filen"


def _fail(message: str) -> InputError:
    return InputError(Finding(ERROR, message))


def _mb(size: int) -> str:
    """Megabytes the Danish way: "0,5", "12", "2.048"."""
    if size < 10 * MB:
        return f"{size / MB:.1f}".replace(".", ",")
    return f"{size / MB:,.0f}".replace(",", ".")


def _size(size: int) -> str:
    """ "3 KB" below a megabyte, else "12 MB"."""
    return f"{_number(max(1, round(size / 1024)))} KB" if size < MB else f"{_mb(size)} MB"


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _not_workbook(name: str, looks_like: str = "", advice: str = "") -> InputError:
    like = f" (den ligner {looks_like})" if looks_like else ""
    return _fail(f"{_the_file(name)} er ikke et Excel-regneark eller en CSV-fil{like}{advice}.")


def _damaged(name: str) -> InputError:
    return _fail(
        f"{_the_file(name)} er beskadiget eller ufuldstændig og kan ikke åbnes; hent eller gem den igen og prøv igen."
    )


def _encrypted(name: str) -> InputError:
    return _fail(f"{_the_file(name)} er krypteret (beskyttet med adgangskode). Gem den uden adgangskode og prøv igen.")


def _unreadable(name: str) -> InputError:
    return _fail(
        f"{_the_file(name)} kunne ikke læses: den er beskadiget eller for stor til at blive behandlet sikkert."
    )


def _timed_out(name: str, seconds: float) -> InputError:
    return _fail(
        f"{_the_file(name)} kunne ikke læses inden for {seconds:g} sekunder og blev afbrudt: "
        "den er beskadiget eller for stor til at blive behandlet sikkert."
    )


def _sheet_too_large(name: str, sheet: str, rows: int, cols: int, limits: Limits) -> InputError:
    size = f"{_number(rows)} {'række' if rows == 1 else 'rækker'}"
    if cols:
        size += f" og {_number(cols)} {'kolonne' if cols == 1 else 'kolonner'}"
    return _fail(
        f"{_the_file(name)} er for stor til at blive behandlet sikkert: arket {sheet} angiver "
        f"{size}, men der må højst være {_number(limits.max_rows)} rækker og "
        f"{_number(limits.max_cells)} celler i et ark."
    )


# --------------------------------------------------------------------------- check_upload

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

# Signatures of common non-spreadsheet files, with what the user is told the file looks like.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "en PDF-fil"),
    (b"\x89PNG\r\n\x1a\n", "et PNG-billede"),
    (b"\xff\xd8\xff", "et JPEG-billede"),
    (b"GIF87a", "et GIF-billede"),
    (b"GIF89a", "et GIF-billede"),
    (b"II*\x00", "et TIFF-billede"),
    (b"MM\x00*", "et TIFF-billede"),
    (b"\x1f\x8b", "et gzip-komprimeret arkiv"),
    (b"7z\xbc\xaf\x27\x1c", "et 7-Zip-arkiv"),
    (b"Rar!\x1a\x07", "et RAR-arkiv"),
    (b"\xfd7zXZ\x00", "et xz-komprimeret arkiv"),
    (b"\x7fELF", "et program"),
    (b"SQLite format 3\x00", "en SQLite-database"),
    (b"{\\rtf", "et RTF-dokument"),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = codecs.BOM_UTF8
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_ALLOWED_CONTROLS = b"\t\n\r\x0c\x1a"  # tab, LF, CR, form feed, DOS end-of-file marker
_NOT_CONTROL = bytes(b for b in range(256) if b >= 0x20 and b != 0x7F or bytes([b]) in _ALLOWED_CONTROLS)

_SHEET_MEMBER = re.compile(r"xl/(?:worksheets|macrosheets|dialogsheets)/[^/]+\.xml", re.IGNORECASE)
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_ROW = re.compile(rb"<(?:[\w.-]+:)?row\s[^>]*?\br\s*=\s*[\"'](\d+)[\"']")
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\s[^>]*?\br\s*=\s*[\"']\$?([A-Za-z]+)\$?(\d+)[\"']")
_REF = re.compile(r"\$?([A-Za-z]+)\$?(\d+)")
_TAG_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\s[^>]*>")
_TAG_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\s[^>]*>")
_ATTRIBUTE = re.compile(rb"([\w.:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def check_upload(name: str, data: bytes, limits: Limits = LIMITS) -> str:
    """Return the detected kind, "xlsx", "xls" or "csv", by content (magic bytes), not by extension;
    raise InputError with one Danish sentence otherwise."""
    if not data:
        raise _fail(f"{_the_file(name)} er tom.")
    if len(data) > limits.max_bytes:
        raise _fail(
            f"{_the_file(name)} er for stor ({_mb(len(data))} MB); den må højst fylde {_mb(limits.max_bytes)} MB."
        )
    if data.startswith(ZIP_MAGICS):
        return _check_zip(name, data, limits)
    if data.startswith(OLE_MAGIC):
        return _check_ole(name, data, limits)
    for magic, looks_like in _SIGNATURES:
        if data.startswith(magic):
            raise _not_workbook(name, looks_like)
    if data.startswith(b"MZ") and b"\x00" in data[:1024]:
        raise _not_workbook(name, "et Windows-program")
    return _check_text(name, data)


def _check_zip(name: str, data: bytes, limits: Limits) -> str:
    """Check an xlsx: readable central directory, no zip bomb, no absurd sheet sizes."""
    directory_size = _central_directory_size(data)
    if directory_size is not None and directory_size > MAX_CENTRAL_DIRECTORY:
        raise _fail(f"{_the_file(name)} indeholder for mange dele til at blive læst sikkert.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, struct.error):
        raise _damaged(name) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _fail(
                f"{_the_file(name)} indeholder for mange dele ({_number(len(infos))}) til at blive læst sikkert."
            )
        members = {info.filename.lower(): info for info in infos}
        _check_zip_kind(name, archive, members)
        _check_zip_bomb(name, infos, limits)
        sheets = [info for info in infos if _SHEET_MEMBER.fullmatch(info.filename)]
        labels = _sheet_labels(archive, members)
        for info in sheets:
            label = labels.get(info.filename.lower(), info.filename)
            if info.file_size > limits.max_sheet_xml:
                raise _part_too_large(name, f"arket {label}", info.file_size, limits.max_sheet_xml)
            head = _read_head(name, archive, info, HEAD_BYTES)
            _check_sheet_head(name, label, head, limits, info.file_size)
        _check_shared_strings(name, archive, members, limits)
    return XLSX


def _part_too_large(name: str, part: str, size: int, limit: int) -> InputError:
    return _fail(
        f"{_the_file(name)} er for stor til at blive behandlet sikkert: {part} fylder {_mb(size)} MB udpakket, "
        f"men der må højst være {_mb(limit)} MB."
    )


def _check_shared_strings(
    name: str, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], limits: Limits
) -> None:
    """The shared strings are parsed into memory whole (~2.7 x their XML): refuse more than the limit, by the
    declared size and by what the part really inflates to (a declared size can lie; reading stops at the limit)."""
    info = members.get("xl/sharedstrings.xml")
    if info is None:
        return
    what = "teksterne (sharedStrings.xml)"
    if info.file_size > limits.max_shared_strings:
        raise _part_too_large(name, what, info.file_size, limits.max_shared_strings)
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(TEXT_CHUNK):
                size += len(chunk)
                if size > limits.max_shared_strings:
                    raise _part_too_large(name, what, size, limits.max_shared_strings)
    except InputError:
        raise
    except RuntimeError:
        raise _encrypted(name) from None
    except Exception:  # noqa: BLE001 - a corrupt member (zlib.error, BadZipFile: CRC or size mismatch, EOFError)
        raise _damaged(name) from None


def _central_directory_size(data: bytes) -> int | None:
    """The central directory size from the end-of-central-directory record, if it can be found."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    size = struct.unpack_from("<I", data, end + 12)[0]
    return None if size == 0xFFFFFFFF else size


def _check_zip_kind(name: str, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> None:
    """Reject zips that are not Excel workbooks, saying what they look like."""
    if "xl/workbook.xml" in members:
        return
    if "xl/workbook.bin" in members:
        raise _fail(
            f"{_the_file(name)} er et binært Excel-regneark (.xlsb), som ikke kan læses her; "
            "gem den i Excel som .xlsx og prøv igen."
        )
    mimetype = b""
    if "mimetype" in members:
        mimetype = _read_head(name, archive, members["mimetype"], 200)
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        raise _fail(
            f"{_the_file(name)} er et OpenDocument-regneark (.ods), som ikke kan læses her; "
            "gem den som .xlsx og prøv igen."
        )
    if "word/document.xml" in members:
        raise _not_workbook(name, "et Word-dokument")
    if "ppt/presentation.xml" in members:
        raise _not_workbook(name, "en PowerPoint-præsentation")
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise _not_workbook(name, "et OpenDocument-dokument")
    raise _not_workbook(name, "et ZIP-arkiv")


def _check_zip_bomb(name: str, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Reject declared uncompressed sizes and compression ratios that only a zip bomb has."""
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed:
        raise _fail(
            f"{_the_file(name)} ville fylde {_mb(total)} MB udpakket, mere end de tilladte "
            f"{_mb(limits.max_uncompressed)} MB, og bliver derfor ikke læst."
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise _encrypted(name)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # bzip2 and LZMA could expand even a 64 KB head without bound; Excel never uses them.
            raise _damaged(name)
        if info.file_size > RATIO_MIN_SIZE and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _fail(
                f"{_the_file(name)} indeholder en mistænkeligt stærkt komprimeret del "
                f"({info.filename}) og bliver af sikkerhedshensyn ikke læst."
            )


def _read_head(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int) -> bytes:
    """Decompress at most `size` bytes from the start of one member (incrementally, never all)."""
    try:
        with archive.open(info) as stream:
            return stream.read(size)
    except NotImplementedError:  # an unsupported compression method
        raise _damaged(name) from None
    except RuntimeError:  # a member encrypted with a zip password
        raise _encrypted(name) from None
    except Exception:  # noqa: BLE001 - BadZipFile, zlib.error, EOFError... from a corrupt member
        raise _damaged(name) from None


def _attributes(tag: bytes) -> dict[str, str]:
    """The attributes of one XML start tag, keyed by local name, entities unescaped."""
    result: dict[str, str] = {}
    for key, double, single in _ATTRIBUTE.findall(tag):
        local = key.decode("utf-8", "replace").rsplit(":", 1)[-1]
        value = html.unescape((double or single).decode("utf-8", "replace"))
        result.setdefault(key.decode("utf-8", "replace"), value)
        result.setdefault(local, value)
    return result


def _sheet_labels(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    """Map worksheet member names (lower case) to "'Sheet name'" using workbook.xml and its rels."""
    try:
        workbook = _read_head("", archive, members["xl/workbook.xml"], META_BYTES)
        rels_info = members.get("xl/_rels/workbook.xml.rels")
        rels = _read_head("", archive, rels_info, META_BYTES) if rels_info else b""
    except InputError:
        return {}
    targets = {}
    for tag in _TAG_RELATIONSHIP.findall(rels):
        attrs = _attributes(tag)
        target = attrs.get("Target", "")
        if attrs.get("Id") and target:
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[attrs["Id"]] = path.replace("/./", "/").lower()
    labels = {}
    for tag in _TAG_SHEET.findall(workbook):
        attrs = _attributes(tag)
        rid = attrs.get("r:id") or attrs.get("id")
        if rid in targets and attrs.get("name"):
            labels[targets[rid]] = f"'{attrs['name']}'"
    return labels


def _column_number(letters: str) -> int:
    """Column letters to a 1-based number (A=1, XFD=16384); absurdly long references saturate."""
    number = 0
    for char in letters[:8].upper():
        number = number * 26 + ord(char) - 64
    return number if len(letters) <= 8 else 26**9


def _check_sheet_head(name: str, sheet: str, head: bytes, limits: Limits, size: int | None = None) -> None:
    """Reject a sheet whose head declares or uses more rows or cells than limits allow (for its `size`)."""
    dimension = _DIMENSION.search(head)
    if dimension:
        refs = _REF.findall(dimension.group(1).decode("ascii", "replace"))
        if refs:
            letters, digits = refs[-1]
            # calamine sizes the grid by the cells, not by this declaration: only the absolute limits apply
            _check_extent(name, sheet, int(digits[:16]), _column_number(letters), limits)
    max_row = max((int(r[:16]) for r in _ROW.findall(head)), default=0)
    max_col = 0
    for letters, digits in _CELL.findall(head):
        max_row = max(max_row, int(digits[:16]))
        max_col = max(max_col, _column_number(letters.decode("ascii")))
    _check_extent(name, sheet, max_row, max_col, limits, size)


def _check_extent(
    name: str, sheet: str, rows: int, cols: int, limits: Limits, content_bytes: int | None = None
) -> None:
    """Sizes are counted from A1, as a reader that fills the grid from A1 must allocate them. With the
    sheet's size in bytes, a sparse extent (a few cells far out) is judged by the memory it would take."""
    cells = rows * max(cols, 1)
    if rows > limits.max_rows or cells > limits.max_cells:
        raise _sheet_too_large(name, sheet, rows, cols, limits)
    if content_bytes is not None and cells > max(limits.max_sparse_cells, limits.cells_per_byte * content_bytes):
        raise _fail(
            f"{_the_file(name)} er for stor til at blive behandlet sikkert: arket {sheet} angiver "
            f"{_number(rows)} rækker og {_number(cols)} kolonner ({_number(cells)} celler), men fylder kun "
            f"{_size(content_bytes)}, så næsten alle cellerne er tomme. Slet det, der står langt uden for "
            "tabellen, gem filen igen, og prøv igen."
        )


def _check_ole(name: str, data: bytes, limits: Limits = LIMITS) -> str:
    """Check an OLE2 compound file: an .xls, an encrypted workbook, or another Office file."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - olefile raises OSError, ValueError, IndexError... on corrupt files
        raise _damaged(name) from None
    try:
        streams = {"/".join(path).lower() for path in ole.listdir(streams=True, storages=False)}
        if {"encryptioninfo", "encryptedpackage"} <= streams:
            raise _encrypted(name)
        for stream in ("workbook", "book"):
            if stream in streams:
                if _xls_has_filepass(ole, stream):
                    raise _encrypted(name)
                _check_xls_sheets(name, ole.openstream(stream).read(), limits)
                return XLS
        if "worddocument" in streams:
            raise _not_workbook(name, "et Word-dokument")
        if "powerpoint document" in streams:
            raise _not_workbook(name, "en PowerPoint-præsentation")
        raise _not_workbook(name, "en anden slags Office-fil")
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - a corrupt directory or sector chain
        raise _damaged(name) from None
    finally:
        ole.close()


def _xls_has_filepass(ole: Any, stream: str) -> bool:
    """Whether the workbook globals start with a FILEPASS record (password-encrypted .xls).

    FILEPASS follows BOF (and an optional WRITEPROTECT) at the very start of the stream
    ([MS-XLS] 2.1.7.20.3), so only the stream's first sector is read, not the whole stream.
    """
    entry = next(e for e in ole.direntries if e is not None and e.name.lower() == stream)
    if entry.size < ole.minisectorcutoff:
        head = ole.openstream(entry.name).read(512)
    else:
        head = ole.getsect(entry.isectStart)[: min(entry.size, ole.sectorsize)]
    offset = 0
    while offset + 4 <= len(head):
        record, size = struct.unpack_from("<HH", head, offset)
        if record == 0x002F:  # FILEPASS
            return True
        if record == 0x000A or (offset and record == 0x0809):  # EOF, or the next substream's BOF
            return False
        offset += 4 + size
    return False


_BIFF_BOF, _BIFF_EOF, _BIFF_BOUNDSHEET, _BIFF_DIMENSIONS, _BIFF_CONTINUE = 0x0809, 0x000A, 0x0085, 0x0200, 0x003C
_BIFF_CELLS = {0x0201, 0x0203, 0x0204, 0x0205, 0x0206, 0x027E, 0x00BD, 0x00BE, 0x00FD, 0x0006}  # BLANK..LABELSST
MAX_BIFF_SHEETS = 1_000


def _check_xls_sheets(name: str, stream: bytes, limits: Limits) -> None:
    """Each worksheet's extent, as its DIMENSIONS record declares it and as the cell records in its first
    HEAD_BYTES use it, against the limits for the sheet's size in bytes ([MS-XLS] 2.4.28 BoundSheet8, 2.4.90
    Dimensions). The sheets are found through the BOUNDSHEET records of the workbook globals, so only the
    globals and the head of each sheet are walked."""
    sheets: list[tuple[int, str]] = []
    offset = 0
    while offset + 4 <= len(stream):
        record, size = struct.unpack_from("<HH", stream, offset)
        body = stream[offset + 4 : offset + 4 + size]
        if record == _BIFF_BOUNDSHEET and len(body) >= 8 and body[5] == 0:  # a worksheet (not a chart or macro)
            sheets.append((struct.unpack_from("<I", body)[0], _biff_sheet_name(body[6:])))
            if len(sheets) > MAX_BIFF_SHEETS:
                raise _fail(f"{_the_file(name)} indeholder for mange ark til at blive læst sikkert.")
        if record == _BIFF_EOF:
            break
        offset += 4 + size
    starts = sorted({start for start, _ in sheets} | {len(stream)})
    for start, sheet in sheets:
        if not 0 <= start < len(stream):
            continue
        end = next(s for s in starts if s > start)
        rows, cols = _xls_extent(stream, start, min(end, start + HEAD_BYTES))
        _check_extent(name, f"'{sheet}'", rows, cols, limits, end - start)


def _biff_sheet_name(body: bytes) -> str:
    """ShortXLUnicodeString: length, flags (bit 0: UTF-16), characters."""
    if len(body) < 2:
        return ""
    length, wide = body[0], body[1] & 1
    raw = body[2 : 2 + length * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace")


def _xls_extent(stream: bytes, start: int, stop: int) -> tuple[int, int]:
    """Rows and columns (counted from A1) of one sheet substream's DIMENSIONS and first cell records."""
    rows = cols = 0
    offset = start
    while offset + 4 <= stop:
        record, size = struct.unpack_from("<HH", stream, offset)
        body = stream[offset + 4 : offset + 4 + size]
        if record == _BIFF_DIMENSIONS and len(body) >= 12:
            _first_row, last_row, _first_col, last_col = struct.unpack_from("<IIHH", body)  # last: 1 past the end
            rows, cols = max(rows, last_row), max(cols, last_col)
        elif record == _BIFF_DIMENSIONS and len(body) >= 8:  # BIFF5 and older: 16-bit rows
            _first_row, last_row, _first_col, last_col = struct.unpack_from("<HHHH", body)
            rows, cols = max(rows, last_row), max(cols, last_col)
        elif record in _BIFF_CELLS and len(body) >= 4:
            row, col = struct.unpack_from("<HH", body)
            last = col
            if record in (0x00BD, 0x00BE) and len(body) >= 6:  # MULRK, MULBLANK: the last column ends the record
                last = struct.unpack_from("<H", body, len(body) - 2)[0]
            rows, cols = max(rows, row + 1), max(cols, col + 1, last + 1)
        elif record == _BIFF_EOF and offset > start:
            break
        offset += 4 + size
    return rows, cols


def _check_text(name: str, data: bytes) -> str:
    """Accept UTF-8 (with or without BOM) or cp1252 delimited text without NUL bytes."""
    if data.startswith(_UTF16_BOMS) or (b"\x00" in data[:4096] and _looks_utf16(data[:4096])):
        raise _fail(f"{_the_file(name)} er gemt som UTF-16-tekst; gem den som CSV (UTF-8) og prøv igen.")
    if b"\x00" in data:
        raise _not_workbook(name)
    if text_encoding(data) is None:
        raise _not_workbook(name)
    controls = len(data.translate(None, _NOT_CONTROL))
    if controls > MAX_CONTROL_SHARE * len(data):
        raise _not_workbook(name)
    head = data[:4096].removeprefix(_UTF8_BOM).lstrip().lower()
    if not head:
        raise _fail(f"{_the_file(name)} er tom.")
    if head.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:65536]:
            raise _not_workbook(name, "et Excel 2003 XML-regneark", "; gem den i Excel som .xlsx og prøv igen")
        if b"<html" in head or b"<!doctype html" in head or b"<table" in head:
            raise _not_workbook(name, "en HTML-fil", "; åbn den i Excel, gem den som .xlsx og prøv igen")
        raise _not_workbook(name, "en XML-fil")
    if head.startswith((b"[", b"{")):
        return JSON
    return CSV


def _looks_utf16(head: bytes) -> bool:
    """BOM-less UTF-16: NUL in every other byte of mostly-ASCII text."""
    even, odd = head[0::2], head[1::2]
    return max(even.count(0), odd.count(0)) > 0.3 * len(head) / 2


def text_encoding(data: bytes) -> str | None:
    """The encoding text decodes with: "utf-8-sig", "utf-8" or "cp1252"; None if neither fits.

    UTF-8 is validated in chunks, so a large file is never held twice in memory as text.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), TEXT_CHUNK):
            decoder.decode(view[start : start + TEXT_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8-sig" if data.startswith(_UTF8_BOM) else "utf-8"
    if any(byte in data for byte in _CP1252_UNDEFINED):
        return None
    return "cp1252"


# --------------------------------------------------------------------------- memory


_libc: Any = None
M_ARENA_MAX = -8  # mallopt parameter (glibc malloc.h)
SERVER_ARENAS = 2


def _glibc() -> Any:
    global _libc
    if _libc is None:
        try:
            import ctypes

            _libc = ctypes.CDLL("libc.so.6")
            _libc.malloc_trim.argtypes = [ctypes.c_size_t]
            _libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        except (OSError, AttributeError):
            _libc = False
    return _libc


def limit_malloc_arenas(arenas: int = SERVER_ARENAS) -> None:
    """Cap glibc's malloc arenas for a threaded server (the same as MALLOC_ARENA_MAX).

    glibc gives threads their own arenas (up to 8 per core) and seldom returns their memory: with
    Streamlit's one thread per script run, each 1,000,000-row import left the server 20-40 MB larger
    (2.3-2.6 x its baseline after four), malloc_trim or not; with 2 arenas it stays at 1.2 x
    (benchmarks/bench_memory.py). Call it early; arenas made before are kept. A no-op without glibc.
    """
    libc = _glibc()
    if libc:
        libc.mallopt(M_ARENA_MAX, arenas)


def release_memory() -> None:
    """Give the heap memory Python and pandas have freed back to the system (glibc's malloc_trim).

    glibc keeps freed memory in its arenas, so after a large import the server's resident set stays
    near its peak although nothing holds the data any longer; trimming returns it (see
    benchmarks/bench_memory.py). A no-op where glibc is not the C library.
    """
    libc = _glibc()
    if libc:
        libc.malloc_trim(0)


# --------------------------------------------------------------------------- run_isolated

QUEUED_MESSAGE = "Serveren læser andre filer; din fil er i kø."

_slots = threading.Condition()
_running = 0  # guarded children of this process now
_reserved = 0  # the sum of their memory limits
_peak = 0  # the most children at once (for tests and benchmarks)
_queue_hook: contextvars.ContextVar[Callable[[], None] | None] = contextvars.ContextVar("csr_queue_hook", default=None)


@contextmanager
def on_queue(callback: Callable[[], None]) -> Iterator[None]:
    """Within the block, a guarded parse of this thread that must wait for a free place calls `callback()`
    once before it waits (the Data page shows QUEUED_MESSAGE)."""
    token = _queue_hook.set(callback)
    try:
        yield
    finally:
        _queue_hook.reset(token)


def _busy() -> InputError:
    return _fail("Serveren er optaget af at læse andre filer; prøv igen om lidt.")


@contextmanager
def _slot(limits: Limits, name: str, need: int | None = None) -> Iterator[None]:
    """A place among the guarded parses of this process: at most limits.max_parallel at once, and their
    memory limits within limits.memory_budget (one alone always fits). Callers beyond wait in turn.
    `need` is the memory reserved (by default a child's limit, limits.memory_bytes)."""
    global _running, _reserved, _peak
    need = max(0, min(limits.memory_bytes if need is None else need, limits.memory_budget))

    def free() -> bool:
        return _running == 0 or (_running < max(1, limits.max_parallel) and _reserved + need <= limits.memory_budget)

    with _slots:
        queued = not free()
    if queued:
        log.info("Isolated job for %r waits for a free place (%d running)", name, _running)
        hook = _queue_hook.get()
        if hook is not None:
            try:
                hook()
            except Exception:  # noqa: BLE001 - a failing notice must not stop the parse
                log.exception("The queue hook failed")
    with _slots:
        if not _slots.wait_for(free, timeout=limits.queue_timeout_s):
            raise _busy()
        _running += 1
        _reserved += need
        _peak = max(_peak, _running)
    try:
        yield
    finally:
        with _slots:
            _running -= 1
            _reserved -= need
            _slots.notify_all()


_OK, _RAISED, _INPUT_ERROR, _DIED = "ok", "raised", "input_error", "died"
_preload_lock = threading.Lock()
_preload_set = False


def _install_main_guard() -> None:
    """Keep forkserver (and spawn) children of run_isolated from re-running the main script.

    multiprocessing re-runs the parent's __main__ in every such child so that functions defined
    there can be unpickled. Inside `streamlit run app.py` the __main__ module is the app script
    itself (Streamlit swaps it in for each run), so every job would execute the whole page. Our
    functions live in importable modules, so the main-module entries are dropped from the
    preparation data of our own processes only (recognised by PROCESS_NAME).
    """
    original = spawn.get_preparation_data
    if getattr(original, "_csr_main_guard", False):
        return

    def get_preparation_data(name: str) -> dict[str, Any]:
        data = original(name)
        if name == PROCESS_NAME:
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    get_preparation_data._csr_main_guard = True  # type: ignore[attr-defined]
    spawn.get_preparation_data = get_preparation_data


def _context() -> ForkContext | ForkServerContext | SpawnContext:
    """fork when single-threaded (cheap); forkserver inside a threaded server (fork is unsafe)."""
    methods = get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        _warm_this_process()
        return get_context("fork")
    if "forkserver" in methods:
        global _preload_set
        context = get_context("forkserver")
        with _preload_lock:
            if not _preload_set:
                context.set_forkserver_preload(FORKSERVER_PRELOAD)
                _install_main_guard()
                _preload_set = True
        return context
    with _preload_lock:
        _install_main_guard()
    return get_context("spawn")


_warmed = False


def _warm_this_process() -> None:
    """Before the first fork: import FORKSERVER_PRELOAD here, as the forkserver does for its children.

    A forked child starts as a copy of this process, so whatever a parse imports or sets up on first use
    (python-calamine, pandas' string arrays and factorizing; csr.importers.warm parses a tiny CSV) would
    otherwise be done again in every child, on every call. Done once, it costs the first call what its
    child would have spent anyway. Importing python-calamine is safe: only parsing can abort.
    """
    global _warmed
    if _warmed:
        return
    _warmed = True
    import importlib

    for module in FORKSERVER_PRELOAD:
        try:
            importlib.import_module(module)
        except Exception:  # noqa: BLE001 - as the forkserver, a module that fails to load is skipped
            log.debug("Could not preload %s", module, exc_info=True)


def _limit_resources(memory_bytes: int) -> None:
    """In the child: cap the address space and forbid core dumps (an abort would write GBs)."""
    try:
        import resource
    except ImportError:  # not on POSIX; the timeout still applies
        return
    wanted = [(resource.RLIMIT_CORE, 0)]
    if memory_bytes and memory_bytes > 0:
        wanted.append((resource.RLIMIT_AS, memory_bytes))
    for limit, value in wanted:
        _soft, hard = resource.getrlimit(limit)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(limit, (value, value))


def _pack_exception(exc: Exception) -> bytes:
    """Pickle an exception for the parent; InputError keeps its findings, others a traceback."""
    if isinstance(exc, MemoryError):
        return pickle.dumps((_DIED, None))
    if isinstance(exc, InputError):
        try:
            return pickle.dumps((_INPUT_ERROR, (type(exc), exc.findings)))
        except Exception:  # noqa: BLE001 - findings that do not pickle
            return pickle.dumps((_INPUT_ERROR, (InputError, [Finding(ERROR, str(exc))])))
    details = traceback.format_exc()
    try:
        pickled = pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - an exception that does not pickle
        pickled = b""
    return pickle.dumps((_RAISED, (pickled, type(exc).__name__, str(exc), details)))


def _child(writer: connection.Connection, func: Callable[..., Any], args: tuple, memory_bytes: int) -> None:
    """The child process: apply the limits, run func and send back its result or exception."""
    try:
        _limit_resources(memory_bytes)
        result = func(*args)
        payload = _dumps((_OK, result))
        del result
    except Exception as exc:  # noqa: BLE001 - everything, including MemoryError, goes back to the parent
        try:
            payload = _pack_exception(exc)
        except MemoryError:
            payload = b""
    try:
        if payload:
            writer.send_bytes(payload)
    finally:
        writer.close()


COMPACT_ROWS = 10_000  # frames of at least this many rows travel with their text columns as codes and labels


class _CompactPickler(pickle.Pickler):
    """Pickles a large DataFrame's text columns as integer codes and their distinct labels.

    A canonical table repeats a few municipality, scheme and file names over every row: at 100,000 rows it
    pickles to ~10 MB as text and ~3 MB as codes, so less crosses the pipe and is copied on both sides.
    The parent rebuilds the same frame (the same dtypes and values) with `_compact_frame` on unpickling.
    """

    def reducer_override(self, obj: Any) -> Any:
        pandas = _pandas_if_loaded()
        if pandas is None or type(obj) is not pandas.DataFrame or len(obj) < COMPACT_ROWS:
            return NotImplemented
        index = obj.index
        if (
            not (isinstance(index, pandas.RangeIndex) and index.start == 0 and index.step == 1)
            or not obj.columns.is_unique
        ):
            return NotImplemented
        columns: list[tuple[Any, Any, Any]] = []
        for label in obj.columns:
            column = obj[label]
            if isinstance(column.dtype, pandas.StringDtype) and column.dtype.storage == "pyarrow":
                encoded = column.array.__arrow_array__().dictionary_encode().combine_chunks()
                labels = encoded.dictionary.to_pylist()
                codes = encoded.indices.fill_null(-1).to_numpy()
                small = "int8" if len(labels) < 128 else "int16" if len(labels) < 32768 else "int32"
                columns.append((label, column.dtype, (codes.astype(small, copy=False), labels)))
            else:
                columns.append((label, None, column.array))
        return _compact_frame, (columns, len(obj))


def _pandas_if_loaded() -> Any:
    import sys

    return sys.modules.get("pandas")


def _compact_frame(columns: list[tuple[Any, Any, Any]], rows: int) -> Any:
    """The DataFrame `_CompactPickler` packed (called by pickle in the parent)."""
    import pandas

    data = {}
    for label, dtype, values in columns:
        if dtype is None:
            data[label] = values
        else:
            codes, labels = values
            data[label] = pandas.array(labels, dtype=dtype).take(codes, allow_fill=True)
    frame = pandas.DataFrame(data, index=pandas.RangeIndex(rows), copy=False)
    return frame


def _dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    _CompactPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def _unpack(payload: bytes, name: str) -> Any:
    """Return the child's result, or raise what the child raised."""
    status, value = pickle.loads(payload)
    if status == _OK:
        return value
    if status == _INPUT_ERROR:
        cls, findings = value
        try:
            exc = cls(findings)
        except Exception:  # noqa: BLE001 - a subclass with another signature
            exc = InputError(findings)
        raise exc
    if status == _RAISED:
        pickled, type_name, text, details = value
        try:
            exc = pickle.loads(pickled)
        except Exception:  # noqa: BLE001 - an exception that does not unpickle here
            exc = RuntimeError(f"{type_name}: {text}")
        exc.add_note(f"Raised in the isolated child process:\n{details}")
        raise exc
    raise _unreadable(name)


def _describe_exit(exitcode: int | None) -> str:
    if exitcode is None:
        return "still running"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


def run_isolated(func: Callable[..., T], *args: Any, name: str = "", limits: Limits = LIMITS) -> T:
    """Run func(*args) in a child process with RLIMIT_AS = limits.memory_bytes and a timeout, and
    return its result (pickled back through a pipe). An exception raised by func in the child
    (e.g. InputError) is re-raised in the parent as the same exception. If the child dies from a
    signal (SIGABRT from calamine, SIGKILL, MemoryError...) or times out, raise InputError with a
    Danish sentence naming `name`. The parent process survives in every case.

    `func` must be a module-level function of an importable module (not __main__: forkserver
    children do not re-run the main script) and `args` must be picklable.

    At most limits.max_parallel children run at once in this process, within limits.memory_budget;
    a call beyond waits its turn (see `on_queue` to tell the user).
    """
    with _slot(limits, name):
        return _run_child(func, args, name, limits)


def _run_child(func: Callable[..., T], args: tuple, name: str, limits: Limits) -> T:
    """One child process for run_isolated (its place among the children already taken)."""
    context = _context()
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(writer, func, args, limits.memory_bytes), name=PROCESS_NAME, daemon=True
    )
    started = False
    try:
        process.start()
        started = True
        writer.close()  # the child holds the only write end, so its death means EOF here
        deadline = time.monotonic() + limits.timeout_s
        ready = connection.wait([reader, process.sentinel], timeout=limits.timeout_s)
        payload = None
        if reader in ready or reader.poll(0):
            try:
                payload = reader.recv_bytes()
            except (EOFError, OSError):
                payload = None
        elif not ready:
            log.warning("Isolated job for %r timed out after %s s; killing it", name, limits.timeout_s)
            raise _timed_out(name, limits.timeout_s)
        if payload is None:
            process.join(max(0.0, deadline - time.monotonic()) + 5.0)
            log.warning("Isolated job for %r died (%s)", name, _describe_exit(process.exitcode))
            raise _unreadable(name)
        try:
            return _unpack(payload, name)  # while the child exits (its memory is unmapped: ~10-20 ms)
        finally:
            process.join(max(0.0, deadline - time.monotonic()) + 5.0)
    finally:
        reader.close()
        writer.close()
        if started:
            if process.exitcode is None:
                process.kill()
            process.join()
            process.close()


# --------------------------------------------------------------------------- small text files in the server

_TEXT_SEPARATORS = (b";", b",", b"\t", b"\n", b"\r")  # any of them can end a CSV cell (the delimiter is guessed)
_JSON_SEPARATORS = (b",", b"[", b"{", b":")  # each JSON value but the first follows one of them


def fits_in_server(kind: str, data: bytes, limits: Limits = LIMITS) -> bool:
    """Whether a checked upload may be parsed in the server process instead of a guarded child.

    Only CSV and JSON, and only within limits.server_text_bytes and limits.server_text_cells. Why that is
    safe: the csv and json modules are part of Python and fail with an exception, never by aborting the
    process as python-calamine can on a crafted workbook (xlsx and xls therefore always go to a child); and
    the cap on bytes and on separators bounds the Python objects the rows become (at most one cell per
    separator, ~150 bytes a cell through the readers: 1,000,000 cells stay below ~150 MB, a small share of
    a child's limits.memory_bytes). Why it is worth it: a child costs 30-60 ms of fork, pickling and exit
    per file, more than the parse of a 20,000-row jobindsats.dk CSV (benchmarks/bench_import.py).
    """
    if kind not in (CSV, JSON) or len(data) > limits.server_text_bytes:
        return False
    separators = _JSON_SEPARATORS if kind == JSON else _TEXT_SEPARATORS
    return sum(data.count(s) for s in separators) <= limits.server_text_cells


def run_in_server(func: Callable[..., T], *args: Any, name: str = "", limits: Limits = LIMITS) -> T:
    """Run func(*args) in this process, in turn with the guarded children: it takes a place among
    limits.max_parallel (and waits, telling `on_queue`, as run_isolated does) but reserves no child's memory.
    For input `fits_in_server` accepted only."""
    with _slot(limits, name, need=0):
        return func(*args)
