"""Loading: every common format, EXIF orientation, odd modes, and bad input."""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from scanner import InputTooLarge, Limits, ScannerError, UnreadableInput, UnsupportedInput, scan
from scanner.documents import open_first
from scanner.load import Frames, open_image, read_bytes, sniff

from .conftest import SAMPLES


@pytest.fixture(scope="module")
def letter(clean_sample) -> Image.Image:
    img = Image.open(SAMPLES / clean_sample["file"]).convert("RGB")
    return img.resize((img.width // 2, img.height // 2))


def _encode(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF", "BMP", "GIF"])
def test_formats_decode_to_the_same_picture(letter, fmt):
    loaded = open_image(_encode(letter, fmt), Limits())
    assert loaded.format == fmt.lower() if fmt != "JPEG" else loaded.format == "jpeg"
    grey = loaded.image if loaded.image.ndim == 2 else loaded.image.mean(axis=2)
    ref = np.asarray(letter.convert("L"), dtype=float)
    assert grey.shape == ref.shape
    assert np.abs(grey - ref).mean() < 12  # lossy formats and GIF palettes differ a little


@pytest.mark.parametrize("orientation,turn", [(3, 180), (6, 90), (8, 270)])
def test_exif_orientation_is_honoured(letter, orientation, turn):
    # Store pixels rotated and say in EXIF how to show them upright.
    stored = letter.rotate(turn, expand=True)
    exif = Image.Exif()
    exif[0x0112] = orientation
    loaded = open_image(_encode(stored, "JPEG", exif=exif, quality=92), Limits())
    ref = np.asarray(letter.convert("L"), dtype=float)
    grey = loaded.image.mean(axis=2) if loaded.image.ndim == 3 else loaded.image
    assert grey.shape == ref.shape
    assert np.abs(grey - ref).mean() < 12


@pytest.mark.parametrize("fmt,orientation,turn", [("JPEG", 6, 90), ("JPEG", 1, 0), ("PNG", 1, 0)])
def test_the_colour_copy_is_upright_and_shows_where_the_colour_is(letter, fmt, orientation, turn):
    # The page stage asks for the picture's colour where the sheet's outline is in doubt: a red
    # band down the letter's left side must be where the grey picture has it, however stored.
    coloured = letter.copy()
    coloured.paste((200, 30, 40), (0, 0, letter.width // 4, letter.height))
    exif = Image.Exif()
    exif[0x0112] = orientation
    loaded = open_image(_encode(coloured.rotate(turn, expand=True), fmt, exif=exif), Limits())
    chroma = loaded.chroma()
    assert chroma is not None and max(chroma.shape) <= 2 * 500
    h, w = chroma.shape
    assert w / h == pytest.approx(loaded.image.shape[1] / loaded.image.shape[0], rel=0.02)
    assert chroma[:, : w // 5].mean() > 120  # the red band, on the left as shown upright
    assert chroma[:, w // 3:].mean() < 15  # black text on white paper has no colour
    assert loaded.chroma() is chroma  # a JPEG is decoded in colour once, when first asked


def test_a_grey_picture_has_no_colour_copy(letter):
    assert open_image(_encode(letter.convert("L"), "JPEG"), Limits()).chroma() is None
    assert open_image(_encode(letter.convert("L"), "PNG"), Limits()).chroma() is None


@pytest.mark.parametrize("mode", ["L", "LA", "RGBA", "CMYK", "I;16", "P", "1"])
def test_odd_modes_load_as_uint8(letter, mode):
    img = letter.convert("L").convert(mode) if mode in ("I;16",) else letter.convert(mode)
    fmt = "TIFF" if mode in ("CMYK", "I;16") else "PNG"
    loaded = open_image(_encode(img, fmt), Limits())
    assert loaded.image.dtype == np.uint8
    assert loaded.image.shape[:2] == (letter.height, letter.width)
    assert loaded.image.mean() > 150  # still a white page, not inverted or black


def test_large_jpeg_is_reduced_while_decoding(letter):
    big = letter.resize((letter.width * 4, letter.height * 4))
    loaded = open_image(_encode(big, "JPEG"), Limits(decode_long_side=2000))
    # libjpeg scales by 1/2, 1/4 or 1/8, never below the requested size.
    assert max(loaded.image.shape) < 2 * 2000
    assert loaded.scale >= 2.0
    assert max(loaded.image.shape) * loaded.scale == pytest.approx(max(big.size), rel=0.01)
    assert loaded.source_size == big.size


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_the_decoded_frame_is_freed_once_read(letter, fmt):
    """Pillow's copy of a photo is as big as the scanner's: it must not stay alive (as it did,
    12 MB for a 12 MP photo) while the frame is scanned."""
    frames = Frames(_encode(letter, fmt), Limits())
    loaded = open_first(frames)
    assert loaded.image.shape == (letter.height, letter.width)
    with pytest.raises(ValueError, match="closed"):
        frames._img.getpixel((0, 0))


def test_sniff_by_content_not_name(tmp_path, letter):
    p = tmp_path / "really_a_png.jpg"
    p.write_bytes(_encode(letter, "PNG"))
    assert sniff(p.read_bytes()[:16]) == "png"
    assert open_image(read_bytes(p, Limits()), Limits()).format == "png"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims any size but holds almost no data (a decompression-bomb shape)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _chunk(b"IEND", b"")


@pytest.mark.parametrize(
    "data,error",
    [
        (b"", UnreadableInput),
        (b"\x00" * 100, UnsupportedInput),
        (bytes(range(256)) * 40, UnsupportedInput),
        (b"PK\x03\x04" + b"\x00" * 100, UnsupportedInput),
        (_png_header(100000, 100000), InputTooLarge),  # decompression bomb
        (_png_header(1, 100000), UnreadableInput),  # absurd shape
        (_png_header(800, 600), UnreadableInput),  # header only: truncated
    ],
)
def test_bad_input_raises_documented_errors(data, error):
    with pytest.raises(error) as info:
        scan(data)
    assert isinstance(info.value, ScannerError)
    assert info.value.message and "\n" not in info.value.message


def test_truncated_jpeg_is_unreadable(letter):
    data = _encode(letter, "JPEG")
    with pytest.raises(UnreadableInput, match="truncated or corrupt"):
        scan(data[: len(data) // 2])


def test_byte_limit(letter):
    with pytest.raises(InputTooLarge):
        scan(_encode(letter, "PNG"), limits=Limits(max_bytes=1000))


def test_missing_file_and_wrong_type(tmp_path):
    with pytest.raises(UnreadableInput):
        scan(tmp_path / "nope.jpg")
    with pytest.raises(UnsupportedInput):
        scan(12345)  # type: ignore[arg-type]


def _one_bit(grey: np.ndarray, dither: bool) -> bytes:
    img = Image.fromarray(grey)
    img = img.convert("1") if dither else img.point(lambda v: 255 if v > 160 else 0).convert("1", dither=Image.Dither.NONE)
    return _encode(img, "TIFF", compression="group4")


def test_a_dithered_one_bit_scan_is_smoothed_and_read():
    # A scanner's or fax's black-and-white mode: grey areas dithered to dots. Loaded, the dots
    # are grey again; a merely thresholded page keeps its two levels. Dithered, the samples'
    # scans are mostly read exactly (5 of 12 before the smoothing, 9 after).
    import json

    from scanner.models import FIELD_NAMES

    scans = [s for s in json.loads((SAMPLES / "labels.json").read_text()) if s["capture"] == "scan"]
    exact = smoothed = 0
    for s in scans:
        grey = np.asarray(Image.open(SAMPLES / s["file"]).convert("L"))
        data = _one_bit(grey, dither=True)
        smoothed += len(np.unique(open_image(data, Limits()).image[::7, ::7])) > 2
        r = scan(data)
        for f in FIELD_NAMES:
            assert r.field(f).value in (None, s[f]) or r.field(f).needs_review
        exact += all(r.field(f).value == s[f] for f in FIELD_NAMES)
    assert smoothed >= 10  # all but a scan whose page is white enough to need no dots
    assert exact >= 8  # 9 measured
    sharp = open_image(_one_bit(np.asarray(Image.open(SAMPLES / scans[0]["file"]).convert("L")), dither=False), Limits())
    assert set(np.unique(sharp.image).tolist()) <= {0, 255}
