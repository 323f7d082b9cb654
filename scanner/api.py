"""The library entry point: ``scan(source) -> ScanResult``."""

from __future__ import annotations

import logging
import time

from .documents import scan_bytes
from .errors import InputTooLarge, ScannerError, UnreadableInput
from .load import Limits, LoadedImage, Source, from_object, read_bytes
from .models import ScanResult
from .ocr import get_engine
from .pipeline import Options, scan_loaded

log = logging.getLogger("scanner")


_no_model = False


def _recognizer():  # noqa: ANN202
    global _no_model
    if _no_model:
        return None
    try:
        from .recognizer import get_recognizer

        return get_recognizer()
    except Exception as exc:  # noqa: BLE001 - a missing model degrades to Tesseract only
        log.warning("key recogniser unavailable (%s); using Tesseract alone", type(exc).__name__)
        _no_model = True
        return None


def scan(
    source: Source,
    *,
    engine: str | None = None,
    crops: bool = False,
    limits: Limits | None = None,
    timeout: float | None = 60.0,
    readers: str = "both",
) -> ScanResult:
    """Read the linkage key, ODS code and account ID from a letter.

    ``source`` may be a path, bytes, a binary file object, a PIL image or a
    numpy array (BGR or grey).  Files and bytes may hold an image (JPEG, PNG,
    WebP, HEIC/HEIF, AVIF, TIFF, BMP, GIF; every frame of a multi-page TIFF or
    an animation is tried), a PDF (text layer read directly, pages without one
    rendered and OCR'd), an email (.eml: bodies and attachments), HTML or plain
    text; the type is detected from the content.  ``engine`` picks the OCR back-end
    (``"tesserocr"``, the default, or ``"pytesseract"``).  ``crops=True`` adds
    PNG crops of each value and of the panel to the result.  ``readers`` says who reads
    each value crop: ``"both"`` (the key recogniser and Tesseract vote, the default),
    ``"model"`` (the recogniser alone) or ``"tesseract"`` (Tesseract alone) - the last two
    exist for the benchmark's side-by-side comparison.  Whatever ``readers`` says, the
    recogniser also looks for the code labels on a page without a complete code box.

    Raises a :class:`ScannerError` subclass for input that cannot be scanned.
    """
    started = time.perf_counter()
    limits = limits or Limits()
    deadline = time.monotonic() + timeout if timeout else None
    try:
        import numpy as np
        from PIL import Image

        if readers not in ("both", "model", "tesseract"):
            raise ValueError(f"readers must be 'both', 'model' or 'tesseract', not {readers!r}")
        use_model = readers != "tesseract"
        opts = Options(crops=crops, deadline=deadline, use_model=use_model, tesseract_reads_values=readers != "model")

        decoded: list[float] = []  # when the first decoded image reached the image stages

        def scan_image(loaded: LoadedImage) -> ScanResult:
            decoded.append(time.perf_counter())
            # The recogniser also finds labels on box-less pages, whoever reads the values.
            return scan_loaded(loaded, get_engine(engine), _recognizer(), opts)

        if isinstance(source, (Image.Image, np.ndarray)):
            loaded: LoadedImage = from_object(source, limits)
            load_time = time.perf_counter() - started
            result = scan_image(loaded)
        else:
            # Images, PDFs, emails and text: the type comes from the content, never the name.
            data = read_bytes(source, limits)
            load_time = time.perf_counter() - started
            result = scan_bytes(data, limits, scan_image, deadline)
    except ScannerError:
        raise
    except MemoryError:
        raise InputTooLarge("the input needs more memory than is available; send a smaller file") from None
    except RecursionError:
        raise UnreadableInput("the input is nested too deeply to read") from None
    if decoded and not result.timings.load:
        load_time = decoded[0] - started  # reading, type detection and decoding
    result.timings.load = round(result.timings.load or load_time, 4)
    result.timings.total = round(time.perf_counter() - started, 4)
    log.debug("scan finished: status=%s in %.3fs", result.status, result.timings.total)
    return result
