"""Tests for the upload safety layer: content checks and crash-proof isolated parsing.

Every test builds its own file in memory. Decision documented here: plain text is accepted as
"csv" whatever the file is called (kinds come from content, not extension), so a text file named
.xlsx is a CSV; HTML and XML disguised as spreadsheets are rejected.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import signal
import struct
import sys
import threading
import time
import types
import zipfile
import zlib
from collections.abc import Iterator

import pandas as pd
import pytest

from csr.importers import safety
from csr.importers.safety import LIMITS, Limits, check_upload, run_isolated
from csr.model import ERROR, Finding, InputError

MB = 1024 * 1024

# --------------------------------------------------------------------------- file builders

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Fravær &amp; løn" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _cell(ref: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>'


def _sheet(rows: str, dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{rows}</sheetData></worksheet>"
    )


def _xlsx(sheet_xml: str) -> bytes:
    """A minimal hand-written workbook with one sheet, 'Fravær & løn'."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


# A cell at the last address of the grid: calamine allocates 2^20 * 2^14 cells and aborts.
XFD_CELL_XLSX = _xlsx(_sheet(f'<row r="1">{_cell("A1")}</row><row r="1048576">{_cell("XFD1048576")}</row>'))
XFD_DIMENSION_XLSX = _xlsx(_sheet(f'<row r="1">{_cell("A1")}</row>', dimension="A1:XFD1048576"))
BILLION_ROW_XLSX = _xlsx(_sheet(f'<row r="1">{_cell("A1")}</row><row r="1000000000">{_cell("A1000000000")}</row>'))


def _openpyxl_xlsx(rows: int = 20) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append(["kommune", "år", "måned", "antal"])
    for i in range(rows):
        sheet.append(["Aarhus", 2024, i % 12 + 1, i * 1.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlwt_xls(rows: int = 300) -> bytes:
    import xlwt

    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Data")
    for i in range(rows):
        sheet.write(i, 0, "Aarhus")
        sheet.write(i, 1, i)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip from already raw-deflated members: (name, deflated bytes, crc32, uncompressed size)."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, deflated, crc, size in members:
        encoded = name.encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(deflated), size, len(encoded), 0))
        out.write(encoded)
        out.write(deflated)
        fields = (20, 20, 0, 8, 0, 0x21, crc, len(deflated), size, len(encoded), 0, 0, 0, 0, 0, offset)
        directory.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, *fields))
        directory.write(encoded)
    start = out.tell()
    out.write(directory.getvalue())
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory.getvalue()), start, 0)
    )
    return out.getvalue()


def _deflated(text: str) -> tuple[bytes, int, int]:
    data = text.encode()
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


@functools.cache
def _bomb_xlsx(zero_megabytes: int) -> bytes:
    """A workbook whose sheet is `zero_megabytes` MB of zeros, deflated to about 1/1000 of that.

    One independently decodable 1 MB block (full flush) is repeated, so no gigabytes are ever
    compressed or written; only the CRC is computed over the real (virtual) content.
    """
    block = bytes(MB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated_block = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(zero_megabytes):
        crc = zlib.crc32(block, crc)
    bomb = deflated_block * zero_megabytes + b"\x03\x00"  # final empty block
    parts = [
        ("[Content_Types].xml", *_deflated(CONTENT_TYPES)),
        ("_rels/.rels", *_deflated(ROOT_RELS)),
        ("xl/workbook.xml", *_deflated(WORKBOOK)),
        ("xl/_rels/workbook.xml.rels", *_deflated(WORKBOOK_RELS)),
        ("xl/worksheets/sheet1.xml", bomb, crc, zero_megabytes * MB),
    ]
    return _raw_zip(parts)


def _xls_with_filepass() -> bytes:
    """An xlwt workbook whose globals get a FILEPASS (RC4) record right after BOF, same size."""
    import olefile

    path_data = _xlwt_xls()
    ole = olefile.OleFileIO(io.BytesIO(path_data))
    stream = ole.openstream("Workbook").read()
    ole.close()
    records, offset = [], 0
    while offset < 152:
        record, size = struct.unpack_from("<HH", stream, offset)
        records.append((record, stream[offset : offset + 4 + size]))
        offset += 4 + size
    assert [r for r, _ in records] == [0x0809, 0x00E1, 0x00C1, 0x00E2, 0x005C] and offset == 152
    filepass = struct.pack("<HHHHH", 0x002F, 54, 1, 1, 1) + bytes(48)  # RC4, version 1.1
    filler = struct.pack("<HH", 0x005C, 54) + b" " * 54  # a shorter WRITEACCESS keeps the size
    head = records[0][1] + filepass + records[1][1] + records[2][1] + records[3][1] + filler
    assert len(head) == 152
    buffer = io.BytesIO(path_data)
    ole = olefile.OleFileIO(buffer, write_mode=True)
    ole.write_stream("Workbook", head + stream[152:])
    ole.close()
    return buffer.getvalue()


def _xls_renamed_to_word() -> bytes:
    """An OLE2 file whose only stream is called WordDocument, as in a Word .doc."""
    data = bytearray(_xlwt_xls())
    old = "Workbook".encode("utf-16-le") + b"\x00\x00"
    at = data.find(old)
    assert at > 0
    data[at : at + 64] = "WordDocument".encode("utf-16-le").ljust(64, b"\x00")
    data[at + 64 : at + 66] = struct.pack("<H", 26)
    return bytes(data)


def _encrypted_xlsx() -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(_openpyxl_xlsx())).encrypt("hemmelig", out)
    return out.getvalue()


# --------------------------------------------------------------------------- helpers


def _rejects(name: str, data: bytes, *keywords: str, limits: Limits = LIMITS) -> str:
    with pytest.raises(InputError) as caught:
        check_upload(name, data, limits)
    message = str(caught.value)
    assert name in message
    for keyword in keywords:
        assert keyword in message, message
    return message


# --------------------------------------------------------------------------- check_upload: accepted


def test_legitimate_xlsx_is_xlsx() -> None:
    assert check_upload("fravær.xlsx", _openpyxl_xlsx()) == "xlsx"


def test_kind_comes_from_content_not_extension() -> None:
    assert check_upload("fravær.csv", _openpyxl_xlsx()) == "xlsx"
    assert check_upload("gammel.xlsx", _xlwt_xls()) == "xls"


def test_legitimate_xls_is_xls() -> None:
    assert check_upload("gammel.xls", _xlwt_xls()) == "xls"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_in_each_encoding_is_csv(encoding: str) -> None:
    text = "kommune;år;måned;fravær\r\nAarhus;2024;1;3,5\r\nKøge;2024;2;4,25 €\r\n"
    data = text.encode(encoding)
    assert check_upload("fravær.csv", data) == "csv"
    assert safety.text_encoding(data) == encoding


def test_plain_text_named_xlsx_is_csv() -> None:
    assert check_upload("rapport.xlsx", b"kommune,antal\nAarhus,3\n") == "csv"


def test_small_legitimate_dimension_passes() -> None:
    sheet = _sheet(f'<row r="1">{_cell("A1")}{_cell("Z1")}</row>', dimension="A1:Z1000000")
    assert check_upload("stor.xlsx", _xlsx(sheet)) == "xlsx"


# --------------------------------------------------------------------------- check_upload: rejected


def test_empty_file() -> None:
    assert _rejects("tom.csv", b"") == "Filen tom.csv er tom."
    _rejects("blank.csv", b"  \r\n\r\n", "tom")


def test_too_large_file() -> None:
    _rejects("kæmpe.csv", b"a;b\n" * 1000, "for stor", limits=Limits(max_bytes=1000))


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF-fil"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100), "PNG-billede"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100), "JPEG-billede"),
        (zlib.compress(b"x" * 100, wbits=31), "gzip"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200), "Windows-program"),
    ],
)
def test_binary_files_renamed_say_what_they_look_like(data: bytes, looks_like: str) -> None:
    message = _rejects("data.xlsx", data, "ikke et Excel-regneark eller en CSV-fil", looks_like)
    assert message.endswith(").")


def test_random_bytes_are_not_a_workbook() -> None:
    _rejects("støj.csv", os.urandom(4096) + b"\x00", "ikke et Excel-regneark")
    _rejects("støj.csv", bytes(range(1, 32)) * 100, "ikke et Excel-regneark")


def test_utf16_text_is_rejected_with_advice() -> None:
    _rejects("unicode.txt", "kommune\tantal\r\nAarhus\t3\r\n".encode("utf-16"), "UTF-16")


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "HTML-fil"),
        (
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
            "Excel 2003 XML-regneark",
        ),
    ],
)
def test_html_and_xml_disguised_as_xls(data: bytes, looks_like: str) -> None:
    _rejects("eksport.xls", data, "ikke et Excel-regneark", looks_like, ".xlsx")


def test_encrypted_workbook() -> None:
    message = _rejects("hemmelig.xlsx", _encrypted_xlsx(), "krypteret", "adgangskode")
    assert message == (
        "Filen hemmelig.xlsx er krypteret (beskyttet med adgangskode). Gem den uden adgangskode og prøv igen."
    )


def test_encrypted_legacy_xls() -> None:
    import msoffcrypto

    data = _xls_with_filepass()
    assert msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted()  # the crafted file is genuine
    _rejects("hemmelig.xls", data, "krypteret")


def test_word_doc_is_not_a_workbook() -> None:
    _rejects("notat.xls", _xls_renamed_to_word(), "ikke et Excel-regneark", "Word-dokument")


def test_docx_is_not_a_workbook() -> None:
    _rejects("notat.xlsx", _docx(), "ikke et Excel-regneark", "Word-dokument")


def test_other_zip_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("billeder/a.txt", "hej")
    _rejects("arkiv.xlsx", buffer.getvalue(), "ikke et Excel-regneark", "ZIP-arkiv")


def test_truncated_zip() -> None:
    data = _openpyxl_xlsx(rows=500)
    _rejects("halv.xlsx", data[: len(data) // 2], "beskadiget", "ufuldstændig")


def test_corrupt_ole_file() -> None:
    data = _xlwt_xls()
    _rejects("halv.xls", data[:1000], "beskadiget")


def test_dimension_xfd1048576_is_rejected() -> None:
    _rejects("dim.xlsx", XFD_DIMENSION_XLSX, "for stor", "'Fravær & løn'", "1.048.576 rækker")


def test_cell_at_xfd1048576_is_rejected() -> None:
    _rejects("celle.xlsx", XFD_CELL_XLSX, "for stor", "16.384 kolonner")


def test_billion_row_is_rejected() -> None:
    _rejects("rækker.xlsx", BILLION_ROW_XLSX, "for stor", "1.000.000.000 rækker")


def test_zip_bomb_by_declared_size_is_rejected_quickly() -> None:
    data = _bomb_xlsx(2048)  # 2 GB of zeros in about 2 MB
    assert len(data) < 3 * MB
    # A genuine bomb, not just a lying header: the member really decompresses to zeros.
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("xl/worksheets/sheet1.xml") as stream:
        assert stream.read(5 * MB) == bytes(5 * MB)
    start = time.perf_counter()
    _rejects("bombe.xlsx", data, "udpakket", "2.048 MB")
    assert time.perf_counter() - start < 0.5


def test_zip_bomb_by_ratio_is_rejected() -> None:
    _rejects("bombe.xlsx", _bomb_xlsx(100), "komprimeret", "xl/worksheets/sheet1.xml")


def test_check_upload_reads_only_the_head_of_a_sheet() -> None:
    # With the limits relaxed the 2 GB bomb passes, which proves it was never fully decompressed.
    relaxed = Limits(max_uncompressed=4 * 1024**3, max_ratio=10_000, max_sheet_xml=4 * 1024**3)
    start = time.perf_counter()
    assert check_upload("bombe.xlsx", _bomb_xlsx(2048), relaxed) == "xlsx"
    assert time.perf_counter() - start < 2


def test_arbitrary_bytes_give_a_kind_or_an_input_error() -> None:
    # hypothesis is imported here, not at module level: forkserver children import this module.
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    prefixes = [b"", b"PK\x03\x04", safety.OLE_MAGIC, b"PK\x05\x06", b"%PDF", b"\xef\xbb\xbf"]

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(prefix=st.sampled_from(prefixes), body=st.binary(max_size=600))
    def check(prefix: bytes, body: bytes) -> None:
        try:
            assert check_upload("x.bin", prefix + body) in {"xlsx", "xls", "csv", "json"}
        except InputError as exc:
            assert "x.bin" in str(exc)

    check()


def test_damaged_copies_of_a_real_xlsx_give_a_kind_or_an_input_error() -> None:
    data = _openpyxl_xlsx(rows=50)
    for cut in range(0, len(data), max(1, len(data) // 60)):
        try:
            check_upload("x.xlsx", data[:cut] + data[cut + 7 :])
        except InputError as exc:
            assert "x.xlsx" in str(exc)


# --------------------------------------------------------------------------- run_isolated
# Module-level functions, so they pickle for the forkserver.


def read_with_calamine(data: bytes) -> list:
    import python_calamine

    return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def add(a: int, b: int) -> int:
    return a + b


def make_frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "value": pd.Series(range(rows), dtype="float64") / 3,
            "year": pd.Series(2024, index=range(rows), dtype="int32"),
            "municipality": pd.Categorical(["Aarhus", "Køge", "Odense"] * (rows // 3) + ["Aarhus"] * (rows % 3)),
        }
    )


def raise_input_error() -> None:
    raise InputError(Finding(ERROR, "Tallet er ikke gyldigt.", file="a.xlsx", sheet="Ark1", row=7, column="C"))


def raise_value_error() -> None:
    raise ValueError("noget gik galt")


def kill_myself() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def sleep_long() -> None:
    time.sleep(60)


def allocate(gigabytes: int) -> int:
    return len(bytearray(gigabytes * 1024**3))


def exit_hard() -> None:
    os._exit(3)


@pytest.fixture(params=["fork", "forkserver"])
def start_method(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test once single-threaded (fork) and once with another thread alive (forkserver)."""
    stop = threading.Event()
    thread = None
    if request.param == "forkserver":
        thread = threading.Thread(target=stop.wait, daemon=True)
        thread.start()
    try:
        assert safety._context().get_start_method() == request.param
        yield request.param
    finally:
        stop.set()
        if thread:
            thread.join()


def test_calamine_really_aborts_on_the_crafted_file() -> None:
    """Outside any isolation, calamine kills the whole process with SIGABRT on this file."""
    import subprocess

    code = "import sys, test_safety; test_safety.read_with_calamine(test_safety.XFD_CELL_XLSX)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.path.dirname(__file__), *sys.path])}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60, check=False)
    assert result.returncode == -signal.SIGABRT, result.stderr[-2000:]


def test_process_survives_calamine_abort(start_method: str) -> None:
    with pytest.raises(InputError) as caught:
        run_isolated(read_with_calamine, XFD_CELL_XLSX, name="celle.xlsx")
    assert str(caught.value) == (
        "Filen celle.xlsx kunne ikke læses: den er beskadiget eller for stor til at blive behandlet sikkert."
    )
    with pytest.raises(InputError, match="rækker.xlsx"):
        run_isolated(read_with_calamine, BILLION_ROW_XLSX, name="rækker.xlsx")
    assert run_isolated(add, 1, 2) == 3  # still alive and working


def test_normal_result_comes_back_equal(start_method: str) -> None:
    assert run_isolated(add, 2, 40) == 42
    frame = run_isolated(make_frame, 10_000)
    pd.testing.assert_frame_equal(frame, make_frame(10_000))
    rows = run_isolated(read_with_calamine, _openpyxl_xlsx(rows=3))
    assert rows[0] == ["kommune", "år", "måned", "antal"]


def test_input_error_is_reraised_with_its_findings(start_method: str) -> None:
    with pytest.raises(InputError) as caught:
        run_isolated(raise_input_error, name="a.xlsx")
    with pytest.raises(InputError) as direct:
        raise_input_error()
    assert str(caught.value) == str(direct.value)
    assert caught.value.findings == direct.value.findings


def test_other_exceptions_are_reraised_as_themselves(start_method: str) -> None:
    with pytest.raises(ValueError, match="noget gik galt") as caught:
        run_isolated(raise_value_error)
    assert any("isolated child" in note for note in getattr(caught.value, "__notes__", []))


def test_child_killed_by_sigkill(start_method: str) -> None:
    start = time.perf_counter()
    with pytest.raises(InputError, match="Filen dræbt.xlsx kunne ikke læses"):
        run_isolated(kill_myself, name="dræbt.xlsx")
    assert time.perf_counter() - start < 10


def test_child_exiting_without_result(start_method: str) -> None:
    with pytest.raises(InputError, match="exit.xlsx"):
        run_isolated(exit_hard, name="exit.xlsx")


def test_timeout_kills_the_child(start_method: str) -> None:
    before = set(_child_pids())
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        run_isolated(sleep_long, name="langsom.xlsx", limits=Limits(timeout_s=1))
    assert time.perf_counter() - start < 5
    assert "langsom.xlsx" in str(caught.value) and "afbrudt" in str(caught.value)
    assert set(_child_pids()) <= before


def test_memory_limit_gives_input_error(start_method: str) -> None:
    with pytest.raises(InputError, match="stor.xlsx"):
        run_isolated(allocate, 3, name="stor.xlsx", limits=Limits(memory_bytes=2 * 1024**3))


def test_children_do_not_rerun_the_streamlit_app_script(tmp_path, start_method: str) -> None:
    """Inside `streamlit run app.py`, __main__ is the app script; a job must not execute it."""
    marker = tmp_path / "ran"
    script = tmp_path / "app.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit(7)\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)  # what Streamlit's script runner installs for each run
    real_main = sys.modules["__main__"]
    sys.modules["__main__"] = fake_main
    try:
        assert run_isolated(add, 1, 2) == 3
    finally:
        sys.modules["__main__"] = real_main
    assert not marker.exists()


def _child_pids() -> list[int]:
    """Pids of this process's live and zombie children (Linux /proc)."""
    me = str(os.getpid())
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me:
                pids.append(int(entry))
    return pids


def _zombies() -> list[int]:
    zombies = []
    for pid in _child_pids():
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    zombies.append(pid)
        except OSError:
            continue
    return zombies


def test_no_zombie_or_pipe_left_behind(start_method: str) -> None:
    run_isolated(add, 0, 0)  # warm up (the forkserver's own pipes open on first use)
    fds_before = len(os.listdir("/proc/self/fd"))
    children_before = set(_child_pids())
    for func, args in [
        (add, (1, 1)),
        (kill_myself, ()),
        (raise_input_error, ()),
        (read_with_calamine, (XFD_CELL_XLSX,)),
    ]:
        with contextlib.suppress(InputError):
            run_isolated(func, *args)
    assert len(os.listdir("/proc/self/fd")) == fds_before
    assert set(_child_pids()) <= children_before
    assert _zombies() == []


# --------------------------------------------------------------------------- resources: sparse sheets, parts, queue


def _xls_bomb() -> bytes:
    """5.6 KB: one cell at (65535, 255), the last of the BIFF8 grid; calamine takes 1.2 GB to read it."""
    import xlwt

    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Ark1")
    sheet.write(0, 0, "Kommune")
    sheet.write(65535, 255, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xls_with_one_far_cell_is_refused_quickly_and_cheaply() -> None:
    import tracemalloc

    data = _xls_bomb()
    assert len(data) < 8 * 1024
    tracemalloc.start()
    start = time.perf_counter()
    message = _rejects("bombe.xls", data, "'Ark1'", "65.536 rækker og 256 kolonner", "næsten alle cellerne er tomme")
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert message.startswith("Filen bombe.xls er for stor til at blive behandlet sikkert: arket 'Ark1' angiver")
    assert elapsed < 0.5 and peak < 5 * MB


def test_xls_sparse_rule_uses_the_sheets_own_records() -> None:
    # The same extent passes when the sheet really holds that much (limits scaled down: 300 rows x 2 columns).
    dense = _xlwt_xls(rows=300)
    assert check_upload("tæt.xls", dense, Limits(max_sparse_cells=100)) == "xls"
    _rejects(
        "tæt.xls", dense, "'Data'", "300 rækker og 2 kolonner", limits=Limits(max_sparse_cells=100, cells_per_byte=0.01)
    )


def test_xls_bomb_through_import_uploads_is_one_sentence_and_no_child(monkeypatch) -> None:
    from csr.importers import import_uploads

    monkeypatch.setattr(safety, "_run_child", lambda *a, **k: pytest.fail("a child was started"))
    result = import_uploads([("bombe.xls", _xls_bomb())])
    (error,) = result.errors
    assert error.file == "bombe.xls" and "næsten alle cellerne er tomme" in error.message


def test_xlsx_with_one_far_cell_is_refused_like_xls() -> None:
    data = _xlsx(_sheet(f'<row r="1">{_cell("A1")}</row><row r="65536">{_cell("IV65536")}</row>'))
    _rejects("langt.xlsx", data, "'Fravær & løn'", "65.536 rækker og 256 kolonner", "næsten alle cellerne er tomme")


@functools.cache
def _shared_strings_xlsx(megabytes: int, declared_megabytes: int | None = None) -> bytes:
    """A workbook whose sharedStrings.xml is `megabytes` MB (declared as `declared_megabytes`)."""
    block = b"<si><t>" + b"x" * (MB - 17) + b"</t></si>\n"
    assert len(block) == MB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated_block = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    strings = deflated_block * megabytes + b"\x03\x00"
    sheet = _sheet(f'<row r="1">{_cell("A1")}</row>')
    parts = [
        ("[Content_Types].xml", *_deflated(CONTENT_TYPES)),
        ("_rels/.rels", *_deflated(ROOT_RELS)),
        ("xl/workbook.xml", *_deflated(WORKBOOK)),
        ("xl/_rels/workbook.xml.rels", *_deflated(WORKBOOK_RELS)),
        ("xl/worksheets/sheet1.xml", *_deflated(sheet)),
        ("xl/sharedStrings.xml", strings, crc, (declared_megabytes or megabytes) * MB),
    ]
    return _raw_zip(parts)


def test_shared_strings_beyond_the_limit_are_refused() -> None:
    relaxed_ratio = Limits(max_ratio=100_000)  # the ratio check alone would catch this compressible file
    data = _shared_strings_xlsx(750)
    start = time.perf_counter()
    _rejects("tekster.xlsx", data, "teksterne", "750 MB", "200 MB", limits=relaxed_ratio)
    assert time.perf_counter() - start < 0.5  # judged by the declared size, nothing inflated
    assert check_upload("tekster.xlsx", _shared_strings_xlsx(20), relaxed_ratio) == "xlsx"


def test_shared_strings_that_lie_about_their_size_are_refused() -> None:
    # Declared as 1 MB, really 300 MB: reading stops at the limit or at the declared end (a CRC mismatch).
    limits = Limits(max_ratio=100_000, max_shared_strings=50 * MB)
    data = _shared_strings_xlsx(300, declared_megabytes=1)
    start = time.perf_counter()
    message = _rejects("løgn.xlsx", data, limits=limits)
    assert "beskadiget" in message or "teksterne" in message
    assert time.perf_counter() - start < 2


def stamp(seconds: float) -> tuple[float, float]:
    """In the child: when it ran (wall clock, comparable across processes)."""
    start = time.time()
    time.sleep(seconds)
    return start, time.time()


def _most_at_once(intervals: list[tuple[float, float]]) -> int:
    return max(sum(1 for s, e in intervals if s <= at < e) for at, _ in intervals)


def _parse_in_threads(limits: Limits, n: int = 4) -> tuple[list[tuple[float, float]], list[int]]:
    intervals: list[tuple[float, float]] = []
    queued: list[int] = []
    errors: list[BaseException] = []

    def one(i: int) -> None:
        try:
            with safety.on_queue(lambda: queued.append(i)):
                intervals.append(run_isolated(stamp, 1.0, name=f"{i}.xlsx", limits=limits))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and len(intervals) == n
    return intervals, queued


def test_at_most_max_parallel_children_run_at_once_and_the_queue_is_told() -> None:
    intervals, queued = _parse_in_threads(Limits(max_parallel=2, timeout_s=60))
    assert _most_at_once(intervals) == 2
    assert len(queued) >= 2  # the third and fourth waited, and their callers were told


def test_the_memory_budget_also_caps_children_at_once() -> None:
    intervals, queued = _parse_in_threads(Limits(max_parallel=4, memory_bytes=2 * 1024**3, memory_budget=4 * 1024**3))
    assert _most_at_once(intervals) == 2 and len(queued) >= 2
    # the control: with room for all four they overlap, so the measurement can see more than two
    intervals, queued = _parse_in_threads(Limits(max_parallel=4, memory_budget=16 * 1024**3))
    assert _most_at_once(intervals) == 4 and queued == []


def test_a_caller_waiting_too_long_gets_a_sentence() -> None:
    limits = Limits(max_parallel=1, queue_timeout_s=0.5)
    holder = threading.Thread(target=run_isolated, args=(stamp, 3.0), kwargs={"limits": limits})
    holder.start()
    time.sleep(0.3)
    try:
        with pytest.raises(InputError, match="Serveren er optaget af at læse andre filer"):
            run_isolated(stamp, 0.0, name="venter.xlsx", limits=limits)
    finally:
        holder.join()


def _queue_page() -> None:
    """An AppTest script: the Data page's parse of one small CSV (ui.data.imported)."""
    import streamlit as st

    from ui import data

    uploads = (("kø.csv", "Kommune;Måned;Ordning;Antal\nAabenraa;2019-02;Fleksjob;12\n".encode()),)
    result = data.imported(uploads)
    st.write(f"rækker: {len(result.data)}")


def test_the_page_says_a_file_is_queued_while_it_waits_and_not_after(monkeypatch) -> None:
    import streamlit
    from streamlit.testing.v1 import AppTest

    from ui import data

    data._imported.clear()
    shown: list[str] = []
    original = streamlit.info
    monkeypatch.setattr(streamlit, "info", lambda body, **kw: shown.append(body) or original(body, **kw))
    with safety._slots:  # every place taken, as by two other users' large files
        safety._running += LIMITS.max_parallel

    def free_later() -> None:  # once the page has said the file waits (or after 60 s)
        deadline = time.monotonic() + 60
        while not shown and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        with safety._slots:
            safety._running -= LIMITS.max_parallel
            safety._slots.notify_all()

    releaser = threading.Thread(target=free_later)
    releaser.start()
    at = AppTest.from_function(_queue_page, default_timeout=60)
    at.run()
    releaser.join()
    assert not at.exception, [e.value for e in at.exception]
    assert shown == [safety.QUEUED_MESSAGE] == ["Serveren læser andre filer; din fil er i kø."]
    assert not at.info  # the notice is gone once the file is read
    assert [m.value for m in at.markdown] == ["rækker: 1"]
    at.run()  # from the cache: the notice was not recorded, so nothing is replayed
    assert not at.exception and not at.info and [m.value for m in at.markdown] == ["rækker: 1"]
