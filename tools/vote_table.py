"""Measure what the reading vote relies on, on fresh renders in fonts the recogniser never saw.

Why: ``scanner.reading`` turns a character's posterior, and whether Tesseract's reading of
the same crop agrees there, into a chance of being wrong (``_ERROR_TABLE``).  This prints
that table measured afresh (tuning seeds), then scores the vote as shipped on other seeds:
exact keys, silent-wrong keys (wrong and not flagged), review burden (right keys flagged)
and how often every wrong character of a wrong key is among the flagged ones.

  .venv/bin/python tools/vote_table.py [--n 400]
  .venv/bin/python tools/vote_table.py --crops /tmp/tune1001 /tmp/tune1002 ...

``--crops`` measures the same table on the key crops the pipeline itself cuts from generated
letters (``samples/generate.py --seed N --out DIR``): photos, scans and close-ups rather than
clean synthetic lines, where the recogniser's posteriors are less trustworthy.  Use seeds other
than the committed samples' and the README's check seeds, so neither becomes tuning data.
"""
from __future__ import annotations

import argparse
import collections
import difflib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tools"), str(ROOT)]
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import linegen  # noqa: E402
from crop_eval import value_crop  # noqa: E402

from scanner import reading  # noqa: E402
from scanner.ocr import get_engine  # noqa: E402
from scanner.recognizer import get_recognizer  # noqa: E402

EDGES = [0.99, 0.97, 0.94, 0.9, 0.8, 0.7, 0.5, 0.0]


def lines(seeds: list[int], n: int, shapes: bool = True):
    fonts = linegen.available(linegen.HELDOUT_FONTS + linegen.HELDOUT_BOLD_FONTS)
    rec, eng = get_recognizer(), get_engine()
    for seed in seeds:
        for degrade in (False, True):
            for img, truth, _font in linegen.eval_set(seed + degrade, fonts, n, degrade, kind="key"):
                tess = reading._from_tesseract(eng, img, "linkage_key")
                model = reading._from_recognizer(rec, img, tess.text if tess else None)
                heights = reading.look_alikes(img, model[0].text, model[0].centers) if model and shapes else None
                yield truth.replace(" ", ""), model, tess, heights


def crop_lines(folders: list[str]):
    """The key crops the pipeline cuts from generated letters, each read as at scan time; only
    crops the recogniser reads as a valid key, the readings the vote can take (a crop of the wrong
    line is the line finder's error, not a character's)."""
    rec, eng = get_recognizer(), get_engine()
    for folder in folders:
        for sample in json.loads((Path(folder) / "labels.json").read_text()):
            truth = sample.get("linkage_key")
            crop = value_crop(Path(folder) / sample["file"], "linkage_key") if truth else None
            if crop is None:
                continue
            tess = reading._from_tesseract(eng, crop, "linkage_key")
            model = reading._from_recognizer(rec, crop, tess.text if tess else None)
            if model and reading._validated("linkage_key", model[0].text).valid:
                yield truth.replace(" ", ""), model, tess, None


def print_table(rows) -> None:  # noqa: ANN001
    """Character error by posterior band, split by whether Tesseract's reading agrees there."""
    table: collections.Counter = collections.Counter()
    for truth, model, tess, _ in rows:
        if not model:
            continue
        v = model[0]
        dis, _, _ = reading._disagreements("linkage_key", v.text, v.probs, v, [tess] if tess else [])
        ok = right_indices(v.text, truth)
        for i, p in enumerate(v.probs):
            band = next(e for e in EDGES if p >= e)
            table[(band, i in dis, i in ok)] += 1
    print("| posterior | Tesseract | chars | wrong | error |\n|---|---|---|---|---|")
    for band in EDGES:
        for dis in (False, True):
            r, w = table[(band, dis, True)], table[(band, dis, False)]
            print(f"| >= {band} | {'disagrees' if dis else 'agrees'} | {r + w} | {w} | {100 * w / max(1, r + w):.2f}% |")


def right_indices(value: str, truth: str) -> set[int]:
    sm = difflib.SequenceMatcher(a=value, b=truth, autojunk=False)
    return {i for tag, i1, i2, _, _ in sm.get_opcodes() if tag == "equal" for i in range(i1, i2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=400, help="lines per seed and condition")
    ap.add_argument("--no-shapes", action="store_true", help="vote without the glyph-height verdicts")
    ap.add_argument("--crops", nargs="+", metavar="DIR", help="measure on the pipeline's key crops of these generated folders")
    args = ap.parse_args()
    if args.crops:
        print_table(crop_lines(args.crops))
        return
    print_table(lines([301, 303], args.n, shapes=False))
    c: collections.Counter = collections.Counter()
    covered = 0
    for truth, model, tess, heights in lines([501, 503], args.n, shapes=not args.no_shapes):
        f = reading.vote("linkage_key", model + ([tess] if tess else []), heights)
        ok = f.value == truth
        c[(ok, f.needs_review)] += 1
        if not ok and f.value:
            wrong = set(range(len(f.value))) - right_indices(f.value, truth)
            covered += bool(wrong) and wrong <= {u.index for u in f.uncertain}
    right = c[(True, True)] + c[(True, False)]
    wrong = c[(False, True)] + c[(False, False)]
    total = right + wrong
    print(f"\nvote on {total} other lines: exact {right} ({100 * right / total:.1f}%), "
          f"silent-wrong {c[(False, False)]} ({100 * c[(False, False)] / total:.2f}%), "
          f"review burden {c[(True, True)]}/{right} ({100 * c[(True, True)] / max(1, right):.1f}%), "
          f"wrong keys with every wrong character flagged {covered}/{wrong}")


if __name__ == "__main__":
    main()
