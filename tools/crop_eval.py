"""Read the value crops the pipeline cuts from the committed samples, recogniser against Tesseract.

Why: synthetic lines (tools/train_recognizer.py --eval-only) say how the recogniser does on fonts
it never saw; this says how it does on what the product actually hands it - the key, ODS and
account crops cut from the sample photos, scans and close-ups (found next to their labels).
Each crop is read by the recogniser alone (five looks, voted, as at scan time) and by Tesseract
alone (single line, the field's alphabet), and compared with the truth.

  .venv/bin/python tools/crop_eval.py [--field linkage_key]
"""
from __future__ import annotations

import argparse
import base64
import collections
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from scanner import reading, scan  # noqa: E402
from scanner.ocr import get_engine  # noqa: E402
from scanner.recognizer import get_recognizer  # noqa: E402


def value_crop(path: Path, field: str) -> np.ndarray | None:
    """The grey crop of one field's value that the pipeline cuts from a picture and reads."""
    cut = scan(path, crops=True).field(field)
    if not cut.crop_png:
        return None
    return cv2.imdecode(np.frombuffer(base64.b64decode(cut.crop_png), np.uint8), cv2.IMREAD_GRAYSCALE)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--field", default="linkage_key", choices=["linkage_key", "ods_code", "account_id"])
    ap.add_argument("--samples", default=str(ROOT / "samples"))
    ap.add_argument("--markdown", default="", help="also write the table to this file (for the model card)")
    args = ap.parse_args()
    root = Path(args.samples)
    labels = json.loads((root / "labels.json").read_text())
    rec, eng = get_recognizer(), get_engine()
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for sample in labels:
        truth = sample.get(args.field)
        if not truth:
            continue
        group = sample["capture"]
        counts[group]["letters"] += 1
        crop = value_crop(root / sample["file"], args.field)
        if crop is None:
            continue
        counts[group]["crops"] += 1
        model = reading._from_recognizer(rec, crop)
        tess = reading._from_tesseract(eng, crop, args.field)
        counts[group]["model"] += bool(model) and model[0].text == truth
        counts[group]["tesseract"] += tess is not None and "".join(tess.text.split()) == truth
    rows = [f"| capture | letters | {args.field} crops cut | recogniser exact | Tesseract exact |", "|---|---|---|---|---|"]
    total: collections.Counter = collections.Counter()
    for group, c in counts.items():
        total.update(c)
        rows.append(f"| {group} | {c['letters']} | {c['crops']} | {c['model']}/{c['crops']} | {c['tesseract']}/{c['crops']} |")
    rows.append(f"| all | {total['letters']} | {total['crops']} | {total['model']}/{total['crops']} "
                f"({100 * total['model'] / max(1, total['crops']):.1f}%) | {total['tesseract']}/{total['crops']} "
                f"({100 * total['tesseract'] / max(1, total['crops']):.1f}%) |")
    print("\n".join(rows))
    if args.markdown:
        Path(args.markdown).write_text("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
