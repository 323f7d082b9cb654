"""Stage 1 - load: turn whatever the caller passed into an upright 8-bit image.

Type is decided by magic bytes, never by file name.  Limits are checked before
pixels are decoded (decompression bombs), and large JPEGs are decoded at a
reduced scale (libjpeg DCT scaling via ``Image.draft``) so that the cost of a
scan follows the size of the text, not the megapixels of the camera.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Union

import cv2
import numpy as np
from PIL import Image, ImageFile, ImageOps

from .errors import InputTooLarge, ScannerError, UnreadableInput, UnsupportedInput

Source = Union[str, os.PathLike, bytes, bytearray, memoryview, BinaryIO, Image.Image, np.ndarray]

# Pillow raises its own DecompressionBombError above this; we check first.
Image.MAX_IMAGE_PIXELS = None
ImageFile.LOAD_TRUNCATED_IMAGES = False

_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "png"),
    (b"GIF87a", 0, "gif"),
    (b"GIF89a", 0, "gif"),
    (b"BM", 0, "bmp"),
    (b"II*\x00", 0, "tiff"),
    (b"MM\x00*", 0, "tiff"),
    (b"%PDF-", 0, "pdf"),
    (b"PK\x03\x04", 0, "zip"),
    (b"\x1f\x8b", 0, "gzip"),
)


@dataclass(frozen=True)
class Limits:
    """Caps that keep hostile or absurd input from costing memory or time."""

    max_bytes: int = 40 * 1024 * 1024
    max_pixels: int = 120_000_000
    max_aspect: float = 20.0
    min_side: int = 32
    #: longest side an image is decoded at; bigger JPEGs are DCT-scaled down.
    decode_long_side: int = 2800
    #: PDF pages looked at (in order); later pages are ignored with a warning.
    max_pages: int = 20
    #: frames of a multi-page TIFF or an animated GIF/WebP/PNG looked at.
    max_frames: int = 10
    #: MIME parts of an email (a normal letter email has a handful).
    max_parts: int = 100
    #: characters of text (email bodies, .txt, PDF text layers) after decoding.
    max_text_chars: int = 2_000_000
    #: resolution PDF pages without a text layer are rendered at for OCR...
    render_dpi: int = 200
    #: ...capped so that one rendered page never exceeds this many pixels.
    max_render_pixels: int = 16_000_000
    #: nesting of documents inside documents (a PDF attached to an email attached to an email).
    max_depth: int = 3


@dataclass
class LoadedImage:
    """An upright image ready for the page stage."""

    image: np.ndarray  # uint8 HxW grey when decoded here; HxW or HxWx3 (BGR) when handed in as an array
    scale: float  # source-image pixels per loaded pixel
    source_size: tuple[int, int]  # (width, height) of the upright source image
    format: str
    #: How colourful each part of the picture is (``chroma_of``, a small copy, upright), asked for
    #: only when the page's outline is in doubt in grey; None for a grey picture.
    chroma: Callable[[], np.ndarray | None] = field(default=lambda: None, repr=False)


#: The colour copy the page stage may ask for is about this long (it finds outlines at 900 px).
CHROMA_LONG_SIDE = 500


def chroma_of(rgb: Image.Image | np.ndarray) -> np.ndarray | None:
    """Colourfulness (largest minus smallest of the three channels) of a copy about
    ``CHROMA_LONG_SIDE`` long: paper is near grey under any light, a tablecloth's squares are not.
    None for a grey picture."""
    if isinstance(rgb, Image.Image):
        if rgb.mode in ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F"):
            return None
        try:
            f = max(1, max(rgb.size) // CHROMA_LONG_SIDE)
            rgb = rgb if rgb.mode in ("RGB", "RGBA") else rgb.convert("RGB")
            arr = np.asarray((rgb.reduce(f) if f > 1 else rgb).convert("RGB"))
        except Exception:  # noqa: BLE001 - the colour is a help to the page stage, never needed
            return None
    else:
        if rgb.ndim != 3 or rgb.shape[2] < 3:
            return None
        f = max(1, max(rgb.shape[:2]) // CHROMA_LONG_SIDE)
        arr = rgb[::f, ::f, :3]
    a, b, c = cv2.split(np.ascontiguousarray(arr[:, :, :3]))  # numpy's max over a 3-long axis: 13 ms, this 1
    return cv2.subtract(cv2.max(cv2.max(a, b), c), cv2.min(cv2.min(a, b), c))


def _jpeg_chroma(data: bytes) -> Callable[[], np.ndarray | None]:
    """``chroma_of`` a JPEG, decoded when first asked for (the scan decodes the luma alone): at an
    eighth of its size libjpeg's colour decode costs 33-47 ms for a 12 MP photo."""
    @functools.cache
    def chroma() -> np.ndarray | None:
        try:
            img = Image.open(io.BytesIO(data))
            if img.mode == "L":
                return None
            img.draft("RGB", (max(1, img.size[0] // 8), max(1, img.size[1] // 8)))
            return chroma_of(ImageOps.exif_transpose(img))
        except Exception:  # noqa: BLE001 - the colour is a help to the page stage, never needed
            return None
    return chroma


def sniff(head: bytes) -> str:
    """Name the format of a byte string from its first bytes ('unknown' if none)."""
    for magic, offset, name in _MAGIC:
        if head[offset:offset + len(magic)] == magic:
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "avif"
        if brand in (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis"):
            return "heif"
        return "isobmff"
    stripped = head.lstrip()
    if stripped[:1] in (b"<",) and b"<svg" in head[:1000].lower():
        return "svg"
    return "unknown"


_EMAIL_HEADERS = {
    "from", "to", "cc", "subject", "date", "received", "return-path", "mime-version", "message-id",
    "content-type", "delivered-to", "reply-to", "sender", "x-mailer", "dkim-signature", "authentication-results",
    "thread-topic", "in-reply-to", "references", "x-received", "arc-seal", "user-agent",
}
_HTML_TAG = re.compile(r"<(?:body|table|div|p|br|td|tr|span|b|strong|h[1-6])\b")
_HEADER_LINE = re.compile(rb"^[!-9;-~]{1,76}:")


_ASCII_TEXT = bytes(range(32, 127)) + b"\t\n\r"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def decode_text(head: bytes) -> str | None:
    """The text of a byte string that looks like text (UTF-8/UTF-16 with BOM/ASCII-ish), else None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = head.decode("utf-16")
        except UnicodeDecodeError:
            # A cut in the middle of a UTF-16 pair is fine for a sample of the head.
            text = head[: len(head) // 2 * 2 - 2].decode("utf-16", errors="ignore")
    else:
        if b"\x00" in head:
            return None
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4 and exc.reason == "unexpected end of data":  # a character cut by the sample
                text = head[: exc.start].decode("utf-8", errors="replace")
            else:
                ascii_share = 1 - len(head.translate(None, _ASCII_TEXT)) / max(1, len(head))
                if ascii_share < 0.95:
                    return None
                text = head.decode("cp1252", errors="replace")
    if not text.strip():
        return None
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 200):
        return None
    return text


def detect(data: bytes) -> str:
    """Name the format of an input by content: ``sniff`` for binary formats, then
    ``email`` (RFC 822 headers), ``html`` or ``text`` for text that decodes cleanly."""
    fmt = sniff(data[:64])
    if fmt != "unknown":
        return fmt
    text = decode_text(data[:8192])
    if text is None:
        return "unknown"
    low = text.lstrip().lower()
    if low.startswith(("<!doctype html", "<html")) or (
            low.startswith("<") and _HTML_TAG.search(low[:4000]) is not None):
        return "html"
    lines = text.lstrip("\ufeff").splitlines()
    if lines and lines[0].startswith("From "):  # an mbox separator line
        lines = lines[1:]
    names = set()
    for line in lines[:200]:
        if not line.strip():
            break
        if line[:1] in (" ", "\t"):
            continue  # a folded header continues
        if not _HEADER_LINE.match(line.encode("utf-8", "replace")):
            names = set()
            break
        names.add(line.split(":", 1)[0].strip().lower())
    if len(names & _EMAIL_HEADERS) >= 2 or ("mime-version" in names or "received" in names):
        return "email"
    return "text"


def read_bytes(source: Source, limits: Limits) -> bytes:
    """Read a path, a file object or a bytes-like source, refusing oversized input."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise UnreadableInput(f"cannot open input file: {exc.strerror or exc}") from None
        if not path.is_file():
            raise UnreadableInput("input path is not a regular file")
        if size > limits.max_bytes:
            raise InputTooLarge(f"input is {size} bytes; the limit is {limits.max_bytes} bytes")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableInput(f"cannot read input file: {exc.strerror or exc}") from None
    elif hasattr(source, "read"):
        data = source.read(limits.max_bytes + 1)  # type: ignore[union-attr]
        if not isinstance(data, (bytes, bytearray)):
            raise UnsupportedInput("file object must be opened in binary mode")
        data = bytes(data)
    else:
        raise UnsupportedInput(f"cannot scan an object of type {type(source).__name__}")
    if len(data) > limits.max_bytes:
        raise InputTooLarge(f"input is over {limits.max_bytes} bytes, the limit")
    if not data:
        raise UnreadableInput("input is empty (0 bytes)")
    return data


def _check_size(width: int, height: int, limits: Limits) -> None:
    if width * height > limits.max_pixels:
        raise InputTooLarge(
            f"image is {width}x{height} pixels; the limit is {limits.max_pixels // 1_000_000} megapixels"
        )
    if min(width, height) < limits.min_side:
        raise UnreadableInput(f"image is {width}x{height} pixels: too small to hold a letter")
    if max(width, height) / max(1, min(width, height)) > limits.max_aspect:
        raise UnreadableInput(f"image is {width}x{height} pixels: not the shape of a letter or photo")


def to_array(img: Image.Image) -> np.ndarray:
    """Convert any PIL mode (16-bit, CMYK, palette, alpha...) to uint8 grey: every later stage
    works on grey, and a 12 MP photo is 12 MB so instead of 36 MB."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        lo, hi = float(arr.min()), float(arr.max())
        scale = 255.0 / (hi - lo) if hi > lo else 1.0
        return np.clip((arr - lo) * scale, 0, 255).astype(np.uint8)
    if img.mode == "1":
        return _halftone_smoothed(np.asarray(img.convert("L")))
    if img.mode == "L":
        return np.asarray(img.convert("L"))
    if img.mode in ("LA", "PA") or (img.mode == "P" and "transparency" in img.info) or img.mode == "RGBA":
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")  # CMYK, YCbCr, LAB, palette: via RGB for the usual luma weights
    return np.asarray(img.convert("L"))


#: A bilevel picture with this share of its ink in lone dots was dithered (a scanner's or fax's
#: halftone): the dithered clean renders, scans and photos of the samples measured up to 0.69,
#: the same pictures thresholded at most 0.015.
HALFTONE_SHARE = 0.03


def _halftone_smoothed(grey: np.ndarray) -> np.ndarray:
    """A 1-bit picture dithered to show grey (a shaded panel, a photo's light) is a field of lone
    dots that no later stage reads as paper or ink: blurred by a pixel it is grey again (the
    samples' scans dithered to 1-bit TIFF: 5 -> 9 of 12 letters exact; with the renders 10 -> 18 of 22).  One merely thresholded
    keeps its sharp edges."""
    h, w = grey.shape
    y0, x0 = max(0, h // 2 - 1024), max(0, w // 2 - 1024)  # the middle 2048 px square is enough
    ink = (grey[y0:y0 + 2048, x0:x0 + 2048] < 128).astype(np.uint8)  # and bounds the memory
    around = cv2.boxFilter(ink, cv2.CV_16U, (3, 3), normalize=False)  # ink in each 3x3, itself included
    lone = int(np.count_nonzero((around <= 2) & (ink == 1)))
    if lone < HALFTONE_SHARE * max(1, int(np.count_nonzero(ink))):
        return grey
    return cv2.GaussianBlur(grey, (0, 0), 1.0)


_RASTER = ("jpeg", "png", "gif", "bmp", "tiff", "webp")
#: Formats whose further frames are pages of the same input (not thumbnails or depth maps).
_MULTI = ("tiff", "gif", "webp", "png", "heif", "avif")


def _open(data: bytes, limits: Limits) -> tuple[Image.Image, str]:
    fmt = sniff(data[:64])
    if fmt in ("heif", "avif"):
        _register_heif()
    elif fmt not in _RASTER:
        raise UnsupportedInput(f"input looks like {describe(fmt)}, not an image the scanner reads")
    try:
        return Image.open(io.BytesIO(data)), fmt
    except MemoryError:
        raise InputTooLarge("image too large to decode in memory") from None
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types on bad data
        raise UnreadableInput(f"{fmt.upper()} image could not be decoded ({type(exc).__name__}); "
                              "the file may be truncated or corrupt") from None


def _decode(img: Image.Image, fmt: str, limits: Limits, first: bool, data: bytes) -> LoadedImage:
    """Decode the current frame of ``img`` (read from ``data``) upright and within limits."""
    try:
        width, height = img.size
        _check_size(width, height, limits)
        orientation = _exif_orientation(img)
        scale = 1.0
        if first and fmt == "jpeg":
            # libjpeg hands over the luma channel alone (no colour conversion), DCT-scaled
            # down when the photo is far bigger than text needs.
            wanted = (width, height)
            if max(width, height) > limits.decode_long_side:
                wanted = (
                    max(1, width * limits.decode_long_side // max(width, height)),
                    max(1, height * limits.decode_long_side // max(width, height)),
                )
            img.draft("L" if img.mode in ("L", "RGB") else img.mode, wanted)
            scale = width / img.size[0]
        img.load()
        frame = img
        if orientation in range(2, 9):
            frame = ImageOps.exif_transpose(img)
        upright = (width, height) if orientation not in (5, 6, 7, 8) else (height, width)
        arr = to_array(frame)
        if fmt == "jpeg":
            chroma = _jpeg_chroma(data) if first else (lambda: None)
        else:
            small = chroma_of(frame)
            chroma = lambda: small  # noqa: E731
    except (InputTooLarge, UnreadableInput, UnsupportedInput):
        raise
    except MemoryError:
        raise InputTooLarge("image too large to decode in memory") from None
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types on bad data
        raise UnreadableInput(f"{fmt.upper()} image could not be decoded ({type(exc).__name__}); "
                              "the file may be truncated or corrupt") from None
    return LoadedImage(image=arr, scale=scale, source_size=upright, format=fmt, chroma=chroma)


def open_image(data: bytes, limits: Limits) -> LoadedImage:
    """Decode one raster image (its first frame) from bytes, upright and within limits."""
    img, fmt = _open(data, limits)
    return _decode(img, fmt, limits, first=True, data=data)


class Frames:
    """The frames of a multi-page TIFF or an animated GIF/WebP/PNG, each a candidate page.

    Iterating yields (frame index, image) for at most ``limits.max_frames`` frames, skipping exact
    repeats (animations often hold the same picture many times); ``capped`` is
    true afterwards when the input had more.  An error on the first frame is
    raised; an error on a later frame ends the iteration (``error`` holds it).
    """

    def __init__(self, data: bytes, limits: Limits) -> None:
        self._img, self.format = _open(data, limits)
        self._data = data
        self._limits = limits
        self.capped = False
        self.error: ScannerError | None = None

    def close(self) -> None:
        """Free Pillow's decoded frame (12 MB for a 12 MP photo) once the frames are read."""
        self._img.close()

    @property
    def multi(self) -> bool:
        """True when the input may hold more than one frame (cheap: no frame is decoded)."""
        if self.format not in _MULTI:
            return False
        try:
            return bool(getattr(self._img, "is_animated", False)) or self._can_seek(1)
        except Exception:  # noqa: BLE001 - a broken second frame is found when it is read
            return False

    def _can_seek(self, index: int) -> bool:
        try:
            self._img.seek(index)
        except EOFError:
            return False
        finally:
            try:
                self._img.seek(0)
            except Exception:  # noqa: BLE001
                pass
        return True

    def __iter__(self) -> Iterator[tuple[int, LoadedImage]]:
        seen: set[bytes] = set()
        index = 0
        while True:
            if index >= self._limits.max_frames:
                try:
                    self._img.seek(index)
                    self.capped = True
                except Exception:  # noqa: BLE001 - no further frame
                    pass
                return
            if index:
                try:
                    self._img.seek(index)
                except EOFError:
                    return
                except Exception as exc:  # noqa: BLE001
                    self.error = UnreadableInput(f"frame {index + 1} could not be decoded ({type(exc).__name__})")
                    return
            try:
                loaded = _decode(self._img, self.format, self._limits, first=index == 0, data=self._data)
            except ScannerError as exc:
                if index == 0:
                    raise
                self.error = exc
                return
            digest = hashlib.blake2b(loaded.image.tobytes(), digest_size=16).digest()
            if digest not in seen:
                seen.add(digest)
                yield index, loaded
            index += 1


def from_object(source: Image.Image | np.ndarray, limits: Limits) -> LoadedImage:
    """Accept an in-memory PIL image or numpy array (BGR/grey/BGRA, as OpenCV gives)."""
    if isinstance(source, Image.Image):
        _check_size(*source.size, limits)
        small = chroma_of(source)
        return LoadedImage(image=to_array(source), scale=1.0, source_size=source.size, format="pil",
                           chroma=lambda: small)
    arr = np.asarray(source)
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (1, 3, 4)):
        raise UnsupportedInput(f"numpy array of shape {arr.shape} is not an image")
    _check_size(arr.shape[1], arr.shape[0], limits)
    if arr.dtype != np.uint8:
        arr = arr.astype(np.float64)
        hi = arr.max() if arr.size else 1.0
        arr = np.clip(arr * (255.0 / (65535.0 if hi > 255 else 255.0 if hi > 1 else 1.0)), 0, 255).astype(np.uint8)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 3 and arr.shape[2] == 4:
        alpha = arr[:, :, 3:4].astype(np.float32) / 255.0
        arr = (arr[:, :, :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    arr = np.ascontiguousarray(arr)
    return LoadedImage(image=arr, scale=1.0, source_size=(arr.shape[1], arr.shape[0]), format="array",
                       chroma=functools.cache(lambda: chroma_of(arr)))


def _exif_orientation(img: Image.Image) -> int:
    try:
        return int(img.getexif().get(0x0112, 1))
    except Exception:  # noqa: BLE001 - a broken EXIF block must not stop the scan
        return 1


_heif_registered = False


def _register_heif() -> None:
    global _heif_registered
    if _heif_registered:
        return
    try:
        import pillow_heif
    except ImportError:
        raise UnsupportedInput("input is a HEIC/HEIF/AVIF photo; install pillow-heif to read it") from None
    pillow_heif.register_heif_opener()
    _heif_registered = True


def describe(fmt: str) -> str:
    return {
        "unknown": "no known file type",
        "zip": "a ZIP archive",
        "gzip": "a gzip archive",
        "svg": "an SVG drawing",
        "isobmff": "an MP4/QuickTime container",
        "pdf": "a PDF",
    }.get(fmt, f"a {fmt.upper()} file")
