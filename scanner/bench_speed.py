"""Benchmark extras: how the cost grows with photo size and with worker processes, and a
deep-learning OCR peer (RapidOCR) fed through the scanner's own extraction rules.

Kept apart from ``bench.py`` (accuracy tables) because these runs are slower and answer a
different question: what a photo costs, and what the user would otherwise run.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import regex

from .extract import LABELS, best_candidates
from .models import FIELD_NAMES
from .ocr import Box, Word
from .validate import check_account, check_key, check_ods


def size_scaling(photo: Path, megapixels: tuple[float, ...] = (2, 6, 12, 24), repeats: int = 3,
                 truth: dict | None = None) -> list[dict]:
    """Median scan time of one photo re-encoded (JPEG q90) at several sizes, and whether each
    size reads the codes right (``truth``) or else as the photo itself reads them."""
    from PIL import Image, ImageOps

    from .api import scan

    def codes(result) -> list:  # noqa: ANN001
        return [result.field(f).value for f in FIELD_NAMES]

    reference = [truth[f] for f in FIELD_NAMES] if truth else codes(scan(photo))
    src = ImageOps.exif_transpose(Image.open(photo)).convert("RGB")
    rows = []
    for mp in megapixels:
        f = (mp * 1e6 / (src.width * src.height)) ** 0.5
        img = src.resize((round(src.width * f), round(src.height * f)), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=90)
        data = buf.getvalue()
        same = codes(scan(data)) == reference  # also warms the caches outside the timing
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            scan(data)
            times.append(time.perf_counter() - t0)
        rows.append({"mp": mp, "size": f"{img.width}x{img.height}", "bytes": len(data),
                     "median_s": statistics.median(times), "same_codes": same})
    return rows


def _scan_path(path: str) -> bool:
    from .api import scan

    try:
        return scan(path).status != "not_found"
    except Exception:  # noqa: BLE001 - throughput counts every input, readable or not
        return False


def _init_worker() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from .api import scan  # noqa: F401 - import and warm the engine before the clock starts
    from .ocr import get_engine

    get_engine()


def throughput(paths: list[Path], jobs: int) -> dict:
    """Images per second over ``paths`` with ``jobs`` worker processes (workers warmed first)."""
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker) as pool:
        list(pool.map(_scan_path, [str(paths[0])] * jobs))  # warm every worker
        t0 = time.perf_counter()
        list(pool.map(_scan_path, [str(p) for p in paths], chunksize=1))
        wall = time.perf_counter() - t0
    return {"jobs": jobs, "images": len(paths), "seconds": wall, "per_second": len(paths) / wall}


# ---------------------------------------------------------------- RapidOCR peer
_JOINED_LABELS = sorted({syn for syns in LABELS.values() for syn in syns if " " in syn}, key=len, reverse=True)


def _split_line(text: str) -> list[str]:
    """RapidOCR often runs label words and the value together ("Linkagekey:sLift..."):
    give them their spaces back so the same label rules apply."""
    text = regex.sub(r":(?=\S)", ": ", text)
    for syn in _JOINED_LABELS:
        text = regex.sub(regex.escape(syn.replace(" ", "")), syn, text, flags=regex.IGNORECASE)
    return text.split()


def rapidocr_words(engine, image_path: Path) -> list[Word]:  # noqa: ANN001
    """RapidOCR's text lines as Words (boxes shared out along each line by character count)."""
    result, _ = engine(str(image_path))
    words: list[Word] = []
    for n, (quad, text, score) in enumerate(result or []):
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        parts = _split_line(text)
        total = sum(len(p) for p in parts) + max(0, len(parts) - 1)
        pos = 0
        for p in parts:
            a = x0 + (x1 - x0) * pos / max(1, total)
            b = x0 + (x1 - x0) * (pos + len(p)) / max(1, total)
            words.append(Word(text=p, conf=100.0 * float(score), box=Box(int(a), int(y0), int(b), int(y1)), line=n))
            pos += len(p) + 1
    return words


def rapidocr_values(engine, image_path: Path) -> dict[str, str | None]:  # noqa: ANN001
    """The codes RapidOCR's reading gives through the scanner's extraction and validation."""
    chosen, _ = best_candidates(rapidocr_words(engine, image_path))
    checks = {"linkage_key": check_key, "ods_code": check_ods, "account_id": check_account}
    return {f: (checks[f](chosen[f].text).value if f in chosen else None) for f in FIELD_NAMES}


def make_rapidocr():  # noqa: ANN201
    """The RapidOCR engine (optional `bench` extra), single-threaded like the scanner."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
