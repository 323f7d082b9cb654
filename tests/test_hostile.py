"""Hostile and broken input, generated here: each case ends in a documented ScannerError
(or a result) quickly, with a one-line message, and the CLI prints one line and exits 2."""

from __future__ import annotations

import gzip
import io
import random
import struct
import subprocess
import sys
import time
import zlib

import pytest
from PIL import Image

from scanner import (
    InputTooLarge,
    Limits,
    ScannerError,
    ScanResult,
    ScanTimeout,
    UnreadableInput,
    UnsupportedInput,
    scan,
)

from .conftest import SAMPLES

sys.path.insert(0, str(SAMPLES))
import generate_documents as gd  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about broken TIFF tags


def _enc(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def _small_letter() -> Image.Image:
    img = Image.new("L", (120, 90), 255)
    for y in range(20, 80, 12):
        img.paste(0, (10, y, 110, y + 4))
    return img


def _seeds() -> dict[str, bytes]:
    img = _small_letter().convert("RGB")
    le = gd.make_letter(random.Random(3), "lines")
    msg = gd._email(le, "x", 1)
    msg.set_content(gd.letter_text(le, random.Random(0), "lines"))
    msg.add_attachment(_enc(img, "PNG"), maintype="image", subtype="png", filename="a.png")
    return {
        "jpeg": _enc(img, "JPEG"), "png": _enc(img, "PNG"), "gif": _enc(img, "GIF"), "tiff": _enc(img, "TIFF"),
        "webp": _enc(img, "WEBP"), "bmp": _enc(img, "BMP"),
        "pdf": gd.pdf_bytes([gd.letter_pdf_page(le, random.Random(0), "table")]),
        "eml": msg.as_bytes(),
    }


SEEDS = _seeds()


def _expect_error_or_result(data: bytes, limits: Limits | None = None, max_s: float = 30.0) -> ScannerError | ScanResult:
    t0 = time.perf_counter()
    try:
        out: ScannerError | ScanResult = scan(data, limits=limits)
    except ScannerError as exc:
        assert exc.message and "\n" not in exc.message and "Traceback" not in exc.message
        out = exc
    assert time.perf_counter() - t0 < max_s
    return out


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_truncated_files_of_every_type(kind):
    data = SEEDS[kind]
    for cut in sorted({1, 2, 8, 16, 64, len(data) // 3, len(data) // 2, len(data) - 10}):
        if 0 < cut < len(data):
            _expect_error_or_result(data[:cut])


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_and_random_bytes_behind_magic(seed):
    r = random.Random(seed)
    noise = bytes(r.randrange(256) for _ in range(r.randrange(1, 5000)))
    with pytest.raises(UnsupportedInput, match="no known file type"):
        scan(b"\x00\x01" + noise)
    for magic in (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM", b"%PDF-1.7\n",
                  b"RIFF\x00\x00\x00\x00WEBP", b"\x00\x00\x00\x18ftypheic", b"From: a@b\nTo: c@d\n\n"):
        _expect_error_or_result(magic + noise)


def test_zero_bytes_and_whitespace():
    with pytest.raises(UnreadableInput, match="empty"):
        scan(b"")
    with pytest.raises(UnsupportedInput):
        scan(b"   \n\t  ")
    with pytest.raises(UnsupportedInput):
        scan(b"\xef\xbb\xbf\x01\x80")  # a BOM then a broken character (found by the fuzz test)


@pytest.mark.parametrize("data,name", [
    (b"PK\x03\x04" + b"\x00" * 60, "ZIP"),
    (gzip.compress(b"x" * 1000), "gzip"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG"),
    (b"\x00\x00\x00\x20ftypisom" + b"\x00" * 40, "MP4"),
])
def test_unsupported_types_are_named(data, name):
    with pytest.raises(UnsupportedInput, match=name):
        scan(data)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_absurd_dimensions():
    gif = b"GIF89a" + struct.pack("<HH", 65535, 65535) + b"\x00\x00\x00" + b",\x00\x00\x00\x00\xff\xff\xff\xff\x00\x02\x02D\x01\x00;"
    with pytest.raises(InputTooLarge):
        scan(gif)
    tall = Image.new("L", (40, 2000), 255)
    with pytest.raises(UnreadableInput, match="not the shape"):
        scan(_enc(tall, "PNG"))
    bomb = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)) + \
        _chunk(b"IDAT", zlib.compress(b"\x00" * 20001 * 50)) + _chunk(b"IEND", b"")
    with pytest.raises(InputTooLarge):
        scan(bomb, limits=Limits(max_pixels=50_000_000))


def test_pdf_oddities():
    le = gd.make_letter(random.Random(4), "lines")
    text_page = gd.letter_pdf_page(le, random.Random(0), "lines")
    with pytest.raises(UnreadableInput, match="not the shape"):
        scan(gd.pdf_bytes([gd.PdfPage(texts=text_page.texts, size=(1, 100000))]))
    empty = gd.pdf_bytes([text_page]).replace(b"/Count 1", b"/Count 0").replace(b"/Kids [", b"/Kids [ ] /X [")
    _expect_error_or_result(empty)
    # A page the size of a house renders at a capped size, not at 200 dpi.
    t0 = time.perf_counter()
    huge = gd.PdfPage(texts=[gd.Text(100, 100, "Hello", 400)], size=(14400, 14400))
    assert isinstance(_expect_error_or_result(gd.pdf_bytes([huge]), Limits(max_render_pixels=4_000_000)), ScanResult)
    assert time.perf_counter() - t0 < 30
    many = gd.pdf_bytes([gd.PdfPage()] * 200)  # blank pages are skipped without rendering
    r = scan(many)
    assert r.status == "not_found" and any("first 20 of 200" in w for w in r.warnings)


def test_text_caps_and_deep_markup():
    with pytest.raises(InputTooLarge, match="characters"):
        scan(b"Linkage key: x\n" * 200_000, limits=Limits(max_text_chars=1_000_000))
    deep = ("<table><tr><td>" * 3000 + "Linkage Key</td><td>Ab3dEf6hIj9" + "</td></tr></table>" * 3000).encode()
    t0 = time.perf_counter()
    _expect_error_or_result(b"<html><body>" + deep)
    assert time.perf_counter() - t0 < 20
    wide = ("<html><body><table><tr>" + "<td>x</td>" * 20000 + "</tr></table>").encode()
    _expect_error_or_result(wide)


def test_email_oddities():
    nested = b"From: a@b\nTo: c@d\nMIME-Version: 1.0\n"
    body = b"text"
    for i in range(400):
        body = (f"Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n".encode() + body + f"\n--b{i}--\n".encode())
    out = _expect_error_or_result(nested + body)
    assert isinstance(out, (InputTooLarge, UnreadableInput, ScanResult))
    weird = (b"From: a@b\nTo: c@d\nMIME-Version: 1.0\nContent-Type: text/plain; charset=x-no-such-charset\n"
             b"Content-Transfer-Encoding: base64\n\n!!!not base64!!!\n")
    _expect_error_or_result(weird)


def test_time_limit_is_a_documented_error():
    frames = [_small_letter().convert("RGB").resize((600, 450)), Image.new("RGB", (600, 450), (90, 90, 90))]
    data = _enc(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(ScanTimeout):
        scan(data, timeout=1e-6)


def test_cli_prints_one_line_and_exits_2_for_each_bad_input(tmp_path):
    r = random.Random(1)
    bad = {
        "empty.jpg": b"", "noise.png": bytes(r.randrange(256) for _ in range(3000)),
        "cut.pdf": SEEDS["pdf"][:200], "secret.pdf": gd.pdf_bytes([gd.PdfPage()], user_password="pw"),
        "archive.pdf": b"PK\x03\x04" + b"\x00" * 60,
    }
    paths = []
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    proc = subprocess.run([sys.executable, "-m", "scanner", "scan", *paths], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == len(bad) and all(": error: " in ln for ln in lines)
    assert "encrypted_input" in proc.stdout and "unsupported_input" in proc.stdout
    assert "Traceback" not in proc.stderr + proc.stdout
