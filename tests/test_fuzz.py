"""Fuzzing: random and mutated bytes of every supported type go to ``scan()``, which may
only return a ScanResult or raise a ScannerError, within a time bound.

Small seed files (a 48x40 picture, a one-page text PDF, a short email, text, HTML)
keep each case to milliseconds, so the CI run feeds over 10,000 inputs in about a
minute and a half.  The examples are derandomised (the same every run, so CI does
not flake); set FUZZ_SCALE=10 and FUZZ_RANDOM=1 to fuzz longer with fresh cases.
"""

from __future__ import annotations

import io
import os
import random
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from scanner import Limits, ScannerError, ScanResult, scan

from .conftest import SAMPLES

sys.path.insert(0, str(SAMPLES))
import generate_documents as gd  # noqa: E402

SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
COUNTS: dict[str, int] = {}
#: Per-type caps kept at their defaults except the ones that only make a rare case slower.
LIMITS = Limits(max_frames=4, max_pages=4, max_pixels=20_000_000, max_render_pixels=2_000_000)


def _settings(n: int):  # noqa: ANN202
    return settings(max_examples=int(n * SCALE), deadline=None, database=None,
                    derandomize=not os.environ.get("FUZZ_RANDOM"),
                    suppress_health_check=list(HealthCheck))


def _enc(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def _seeds() -> list[bytes]:
    r = random.Random(5)
    img = Image.new("RGB", (48, 40), "white")
    px = img.load()
    for _ in range(300):
        px[r.randrange(48), r.randrange(40)] = (0, 0, 0)
    le = gd.make_letter(random.Random(2), "table")
    text = gd.letter_text(le, random.Random(0), "lines")
    msg = gd._email(le, "x", 1)
    msg.set_content(text)
    msg.add_alternative(gd.letter_html(le, random.Random(0), "table"), subtype="html")
    msg.add_attachment(_enc(img, "PNG"), maintype="image", subtype="png", filename="a.png")
    seeds = [
        _enc(img, "JPEG", quality=60), _enc(img, "PNG"), _enc(img, "GIF"), _enc(img, "BMP"),
        _enc(img, "TIFF", save_all=True, append_images=[img.convert("L")]),
        _enc(img, "GIF", save_all=True, append_images=[img.convert("L")]),
        _enc(img, "WEBP", quality=50), _enc(img.convert("L"), "TIFF", compression="tiff_deflate"),
        gd.pdf_bytes([gd.letter_pdf_page(le, random.Random(0), "table")]),
        gd.pdf_bytes([gd.PdfPage(jpeg=_enc(img.convert("L"), "JPEG"), jpeg_size=img.size, size=(48, 40))]),
        msg.as_bytes(), text.encode(), gd.letter_html(le, random.Random(0), "grid").encode(),
    ]
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
        seeds.append(_enc(img, "HEIF", quality=40))
    except ImportError:
        pass
    return seeds


SEEDS = _seeds()


def _check(data: bytes, name: str) -> None:
    COUNTS[name] = COUNTS.get(name, 0) + 1
    t0 = time.perf_counter()
    try:
        out = scan(data, limits=LIMITS, timeout=15)
        assert isinstance(out, ScanResult)
    except ScannerError as exc:
        assert exc.message and "\n" not in exc.message
    # Anything else (an unexpected exception) fails the test with its traceback.
    assert time.perf_counter() - t0 < 30, "a single input took over 30 s"


def _mutate(data: bytes, ops: list[tuple[int, int, int]]) -> bytes:
    d = bytearray(data)
    for op, pos, val in ops:
        i = pos % (len(d) + 1)
        if op == 0 and d:
            d[i % len(d)] = val  # overwrite a byte
        elif op == 1 and d:
            d[i % len(d)] ^= 1 << (val % 8)  # flip a bit
        elif op == 2:
            del d[i:]  # truncate
        elif op == 3:
            d[i:i] = bytes([val]) * (1 + val % 7)  # insert
        elif op == 4 and d:
            d[i:i] = d[i:i + 1 + val % 64]  # duplicate a run
        elif op == 5:
            d[i:i + 4] = (0xFFFFFFFF - val).to_bytes(4, "big")  # an absurd length or size field
    return bytes(d)


MUTATIONS = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 1 << 20), st.integers(0, 255)), min_size=1, max_size=6)
PYTEST_FILTER = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")


@PYTEST_FILTER
@_settings(5000)
@given(seed=st.sampled_from(range(len(SEEDS))), ops=MUTATIONS)
def test_mutated_seed_files(seed, ops):
    _check(_mutate(SEEDS[seed], ops), "mutated")


MAGIC = [b"", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM", b"%PDF-1.4\n",
         b"RIFF\x10\x00\x00\x00WEBPVP8 ", b"\x00\x00\x00\x18ftypheic", b"\x00\x00\x00\x18ftypavif", b"PK\x03\x04",
         b"From: a@b.c\nTo: d@e.f\nSubject: s\nMIME-Version: 1.0\n", b"<html><body>", b"\xef\xbb\xbf", b"\xff\xfe"]


@PYTEST_FILTER
@_settings(3000)
@given(magic=st.sampled_from(MAGIC), body=st.binary(max_size=3000))
def test_random_bytes_behind_every_magic(magic, body):
    _check(magic + body, "random")


FRAGMENTS = ["Linkage Key", "Passphrase", "ODS Code", "Practice ID", "Account ID", "NHS number", "Username",
             "Password", ":", " ", "\n", "\t", "A81001", "YO1234", "1195029928", "485 777 3456", "tTAL tBP3 rLR16",
             "KjwzyFSEUAGj4", "0dw1f1p4a/2!35", "<table>", "<tr>", "<td>", "</td>", "</tr>", "</table>", "<br>",
             "<p>", "<script>", "</script>", "<!--", "-->", "&amp;", "&#x110000;", "--b\n", "Content-Type: text/html\n",
             "Content-Transfer-Encoding: base64\n", "=?utf-8?b?", "\u202e", "\x00", "\ufeff"]
HEADERS = ["", "From: a@b.c\nTo: d@e.f\nSubject: s\nMIME-Version: 1.0\n"
               "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/html\n\n", "<html><body>"]


@PYTEST_FILTER
@_settings(2100)
@given(head=st.sampled_from(HEADERS),
       parts=st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=60),
       encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_structured_text_email_and_html(head, parts, encoding):
    _check((head + "".join(parts)).encode(encoding, errors="replace"), "text")


def test_fuzz_volume():
    """The floor: at least 10,000 inputs per CI run (when the fuzz tests above all ran)."""
    if set(COUNTS) != {"mutated", "random", "text"}:
        pytest.skip("run with the fuzz tests above")
    assert sum(COUNTS.values()) >= 10_000 * min(1.0, SCALE), COUNTS
