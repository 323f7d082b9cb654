"""How well the scanner's blur measure follows the blur of the pictures, and when it advises a retake.

Why: the "hold the phone still" advice (quality.BLUR_LIMIT) rests on one measurement, and the
generator writes down how much it blurred each picture ("motion blur 8px, defocus 2.0px, code cap
height ~20px" in labels.json).  This scans every photo and close-up in the given sample folders,
takes the blur against the letters (motion blur plus twice the defocus, over the cap height) as the
truth, and prints how well the scanner's `quality.blur` ranks the pictures by it (Spearman), beside
the variance of the Laplacian (`quality.sharpness`), and how many pictures of each blur band the
advice speaks on.  Scans and clean renders should never be called blurred.

  .venv/bin/python tools/blur_eval.py samples /tmp/fresh777 ...
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np  # noqa: E402

from scanner import scan  # noqa: E402
from scanner.quality import BLUR_LIMIT  # noqa: E402

BANDS = [(0.0, 1 / 6, "under 1/6"), (1 / 6, 0.25, "1/6 - 1/4"), (0.25, 10.0, "1/4 or more")]


def severity(notes: str) -> float | None:
    """Motion blur plus twice the defocus, over the code's cap height, as the generator wrote them."""
    cap = re.search(r"cap height ~(\d+)px", notes)
    if not cap:
        return None
    motion = re.search(r"motion blur (\d+)px", notes)
    defocus = re.search(r"defocus ([\d.]+)px", notes)
    return ((float(motion.group(1)) if motion else 0.0) + 2 * (float(defocus.group(1)) if defocus else 0.0)) \
        / float(cap.group(1))


def spearman(a: list[float], b: list[float]) -> float:
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="+", help="sample folders (each with labels.json and images/)")
    args = ap.parse_args()
    photos: list[tuple[float, float | None, float | None]] = []
    flat_called = flat_n = 0
    for folder in args.folders:
        for s in json.loads((Path(folder) / "labels.json").read_text()):
            if s["capture"] not in ("photo", "closeup", "scan", "clean"):
                continue
            q = scan(Path(folder) / s["file"]).quality
            if s["capture"] in ("scan", "clean"):
                flat_n += 1
                flat_called += q.blur is not None and q.blur >= BLUR_LIMIT
                continue
            sev = severity(s.get("notes", ""))
            if sev is not None:
                photos.append((sev, q.blur, q.sharpness))
    measured = [p for p in photos if p[1] is not None]
    lap = [p for p in photos if p[2] is not None]
    print(f"photos and close-ups: {len(photos)}, blur measured on {len(measured)}")
    print(f"Spearman against the generator's blur: quality.blur {spearman([p[0] for p in measured], [p[1] for p in measured]):.2f}, "
          f"variance of the Laplacian (inverted) {spearman([p[0] for p in lap], [-p[2] for p in lap]):.2f}")
    print(f"\n| blur / cap height | pictures | called blurred (blur >= {BLUR_LIMIT}) |\n|---|---|---|")
    for lo, hi, name in BANDS:
        band = [p for p in measured if lo <= p[0] < hi]
        print(f"| {name} | {len(band)} | {sum(p[1] >= BLUR_LIMIT for p in band)} |")
    print(f"\nscans and clean renders called blurred: {flat_called} of {flat_n}")


if __name__ == "__main__":
    main()
