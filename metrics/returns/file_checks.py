"""A return's file checked as a file, before any parser sees it: its size, its type, and zip bombs.

An .xlsx is a zip: every part is inflated with a byte budget, because a part can declare less than it
holds and the readers decompress the whole stream.
"""

from __future__ import annotations

import io
import math
import struct
import zipfile
import zlib

from metrics.contract import MAX_UPLOAD_BYTES, Problem, Rejected
from metrics.i18n import N_, _

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
_CHUNK = 1024 * 1024  # each part is inflated this much at a time to measure it
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# How every refusal of a file's type ends: the way to the one format every check is built for (marked: shown
# as _(SAVE_AS_XLSX), or save_as_xlsx()).
SAVE_AS_XLSX = N_(
    "save it as an Excel workbook: in Excel, File > Save As > 'Excel Workbook (*.xlsx)'; in LibreOffice, "
    "File > Save As > 'Excel 2007-365 (.xlsx)' (or keep LibreOffice's own .ods)"
)


def save_as_xlsx() -> str:
    """SAVE_AS_XLSX in this run's language."""
    return _(SAVE_AS_XLSX)


def file_problem(file: str, message: str) -> Rejected:
    return Rejected([Problem.whole(file, "", message)])


def too_large(file: str, size: int, max_bytes: int) -> Rejected:
    # Both in MiB, the unit of the limit (20 * 1024 * 1024), so that the limit reads '20 MB'; the size is
    # rounded up, so that a file just over the limit never reads as '20.0 MB'.
    size_mb = math.ceil(size / 2**20 * 10) / 10
    return file_problem(file, _("is {size} MB; the limit is {limit} MB").format(
        size=f"{size_mb:.1f}", limit=f"{max_bytes / 2**20:.0f}"))


def check_file(content: bytes, file: str, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse what is not a readable .xlsx before any parser sees it."""
    if not content:
        raise file_problem(file, _("is empty"))
    if len(content) > max_bytes:
        raise too_large(file, len(content), max_bytes)
    if content.startswith(_OLE_MAGIC):
        raise file_problem(file, _("is password-protected or an old .xls workbook: remove any password and "
                                   "{save_as}").format(save_as=save_as_xlsx()))
    if not content.startswith(b"PK"):
        raise file_problem(file, _("is not an Excel workbook (.xlsx): {save_as}").format(save_as=save_as_xlsx()))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if "xl/workbook.xml" not in names:
                raise file_problem(file, _("is a zip file but not an Excel workbook (.xlsx), nor CSV files of the "
                                           "return's sheets: {save_as}").format(save_as=save_as_xlsx()))
            if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise file_problem(file, _("expands to more than {limit} MB when opened: too large to read "
                                           "safely").format(limit=MAX_UNZIPPED_BYTES // 2**20))
            if "EncryptionInfo" in names:
                raise file_problem(file, _("is password-protected: remove the password and upload it again"))
            for member in members:
                _check_true_size(content, member, file)
    except zipfile.BadZipFile:
        raise file_problem(file, _("is damaged or incomplete: it cannot be opened as a workbook")) from None


def _check_true_size(content: bytes, member: zipfile.ZipInfo, file: str) -> None:
    """Refuse a part that holds more or less than its zip headers declare.

    Python's zipfile stops at the declared size, but fastexcel decompresses the whole stream: a part
    declaring only its first bytes (with their checksum) hides what follows from every other check.
    So each part is streamed through zlib, a chunk at a time, up to one byte past what it declares.
    """
    header = content[member.header_offset : member.header_offset + 30]
    if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
        raise zipfile.BadZipFile
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    start = member.header_offset + 30 + name_length + extra_length
    if member.compress_type == zipfile.ZIP_STORED:
        held = member.compress_size
    elif member.compress_type == zipfile.ZIP_DEFLATED:
        held = _inflated_size(content, start, budget=member.file_size + 1)
    else:
        raise file_problem(file, _("uses a kind of compression Excel does not write ({part})").format(
            part=member.filename))
    if held > member.file_size:
        raise file_problem(file, _("has been altered: its part {part} holds more than the file declares, so it "
                                   "cannot be read safely").format(part=member.filename))
    if held < member.file_size:
        raise zipfile.BadZipFile


def _inflated_size(content: bytes, start: int, budget: int) -> int:
    """How many bytes the deflate stream at `start` expands to, counting no further than `budget`."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size, position = 0, start
    try:
        while not inflater.eof and size < budget:
            pending = inflater.unconsumed_tail or content[position : position + _CHUNK]
            if not inflater.unconsumed_tail:
                if not pending:
                    break  # the stream is cut short
                position += len(pending)
            size += len(inflater.decompress(pending, min(_CHUNK, budget - size)))
    except zlib.error:
        raise zipfile.BadZipFile from None
    return size
