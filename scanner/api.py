"""The library entry point: ``scan(source) -> ScanResult``."""

from __future__ import annotations

import logging
import time

from .errors import ScannerError, UnreadableInput
from .load import Limits, LoadedImage, Source, from_object, open_image, read_bytes
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
    use_model: bool = True,
) -> ScanResult:
    """Read the linkage key, ODS code and account ID from a letter.

    ``source`` may be a path, bytes, a binary file object, a PIL image or a
    numpy array (BGR or grey).  ``engine`` picks the OCR back-end
    (``"tesserocr"``, the default, or ``"pytesseract"``).  ``crops=True`` adds
    PNG crops of each value and of the panel to the result.

    Raises a :class:`ScannerError` subclass for input that cannot be scanned.
    """
    started = time.perf_counter()
    limits = limits or Limits()
    deadline = time.monotonic() + timeout if timeout else None
    try:
        import numpy as np
        from PIL import Image

        if isinstance(source, (Image.Image, np.ndarray)):
            loaded: LoadedImage = from_object(source, limits)
        else:
            loaded = open_image(read_bytes(source, limits), limits)
        load_time = time.perf_counter() - started
        ocr = get_engine(engine)
        result = scan_loaded(loaded, ocr, _recognizer() if use_model else None,
                             Options(crops=crops, deadline=deadline, use_model=use_model))
    except ScannerError:
        raise
    except MemoryError:
        raise UnreadableInput("the input needs more memory than is available; send a smaller image") from None
    result.timings.load = round(load_time, 4)
    result.timings.total = round(time.perf_counter() - started, 4)
    log.debug("scan finished: status=%s in %.3fs", result.status, result.timings.total)
    return result
