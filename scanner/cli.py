"""Command line: ``linkage-scanner scan FILE_OR_DIR...``, ``bench``, ``serve`` and ``loadtest``.

Exit codes: 0 every input gave all three codes; 1 some code was not found;
2 a usage error or an input that could not be read (the batch goes on and
reports that input as an error line).  Errors are one line, never a traceback.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .errors import ScannerError
from .models import FIELD_NAMES, field_title

# Which files a folder contributes; a file named on the command line is read whatever its name,
# and every type is decided by content.
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif", ".heic", ".heif", ".avif",
                  ".pdf", ".eml", ".txt", ".html", ".htm"}


def _inputs(paths: list[str]) -> Iterator[Path]:
    for p in paths:
        path = Path(p)
        if path.is_dir():
            yield from sorted(q for q in path.rglob("*") if q.is_file() and q.suffix.lower() in IMAGE_SUFFIXES)
        else:
            yield path


def _scan_one(args: tuple[str, str | None, bool]) -> tuple[str, dict | None, str | None, int]:
    """Scan one file in a worker; returns (name, result json, error line, exit code)."""
    path, engine, crops = args
    from .api import scan

    try:
        result = scan(path, engine=engine, crops=crops)
    except ScannerError as exc:
        return path, None, f"{exc.code}: {exc.message}", exc.exit_code
    except Exception as exc:  # noqa: BLE001 - a batch never dies on one input
        return path, None, f"internal_error: {type(exc).__name__}", 2
    return path, result.model_dump(mode="json"), None, 0


def _show_value(field: dict) -> str:
    value = field.get("value")
    if value is None:
        return "(not found)"
    marks = {u["index"] for u in field.get("uncertain", [])}
    shown = "".join(f"[{c}]" if i in marks else c for i, c in enumerate(value))
    return shown + ("  ?" if field.get("needs_review") else "")


def _print_table(name: str, res: dict, verbose: bool) -> None:
    print(f"{name}: {res['status']}")
    for f in FIELD_NAMES:
        fld = res[f]
        print(f"  {field_title(f):<12} {_show_value(fld):<34} confidence {fld['confidence']:.2f}")
        said = ""
        for u in fld.get("uncertain", []):
            # A flag with no other reading says why (once for a run of them).
            why = f" ({u['reason']})" if len(u["alternatives"]) == 1 and u.get("reason") not in ("", said) else ""
            said = u.get("reason", "") if len(u["alternatives"]) == 1 else ""
            print(f"  {'':<12} check character {u['index'] + 1}: {' or '.join(u['alternatives'])}{why}")
    if verbose or res["status"] != "ok":
        for w in res.get("warnings", []):
            print(f"  note: {w}")
    if verbose:
        t = res["timings"]
        print("  timings: " + ", ".join(f"{k} {v:.3f}s" for k, v in t.items()))


def _write_crops(crops_dir: Path, name: str, res: dict) -> None:
    crops_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(name).stem
    for f in FIELD_NAMES:
        data = res[f].pop("crop_png", None)
        if data:
            (crops_dir / f"{stem}.{f}.png").write_bytes(base64.b64decode(data))
    data = res.pop("panel_png", None)
    if data:
        (crops_dir / f"{stem}.panel.png").write_bytes(base64.b64decode(data))


def cmd_scan(ns: argparse.Namespace) -> int:
    files = [str(p) for p in _inputs(ns.inputs)]
    if not files:
        print("error: no input files found", file=sys.stderr)
        return 2
    jobs = max(1, ns.jobs or os.cpu_count() or 1)
    work = [(f, ns.engine, bool(ns.crops)) for f in files]
    if jobs == 1 or len(files) == 1:
        return _report(map(_scan_one, work), ns, len(files))
    # Shut down here, not at interpreter exit: left to the exit hook, its joining of the pool's
    # threads now and then printed a traceback after the last result line (a CI run of
    # test_hostile's batch of bad inputs).
    with ProcessPoolExecutor(max_workers=min(jobs, len(files)), initializer=_worker_init) as pool:
        return _report(pool.map(_scan_one, work, chunksize=1), ns, len(files))


def _report(results: Iterable[tuple[str, dict | None, str | None, int]], ns: argparse.Namespace, total: int) -> int:
    """Print each input's result as it comes; the exit code for the batch (the worst of them)."""
    worst = 0
    progress = _progress(total) if (total > 1 and sys.stderr.isatty() and not ns.json) else None
    for name, res, error, _code in results:
        if progress:
            progress.update(1)
        if error is not None:
            worst = max(worst, 2)
            if ns.json:
                print(json.dumps({"source": name, "error": error}))
            else:
                print(f"{name}: error: {error}")
            continue
        assert res is not None
        if ns.crops:
            _write_crops(Path(ns.crops), name, res)
        if any(res[f]["value"] is None for f in FIELD_NAMES):
            worst = max(worst, 1)
        if ns.json:
            print(json.dumps({"source": name, **res}))
        else:
            _print_table(name, res, ns.verbose)
    if progress:
        progress.close()
    return worst


def _worker_init() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _progress(total: int):  # noqa: ANN202
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="img", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    parser = argparse.ArgumentParser(prog="linkage-scanner", description="Read NHS linkage-key letters.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("scan", help="scan images, PDFs or emails (files or folders)")
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("--json", action="store_true", help="one JSON object per input (ScanResult + source)")
    p.add_argument("--verbose", "-v", action="store_true", help="show stage timings and all warnings")
    p.add_argument("--engine", choices=["tesserocr", "pytesseract"], default=None, help="OCR back-end (default tesserocr)")
    p.add_argument("--crops", metavar="DIR", help="write PNG crops of each value and the panel to DIR")
    p.add_argument("--jobs", "-j", type=int, default=0, help="parallel worker processes (default 0 = all cores)")
    b = sub.add_parser("bench", help="benchmark on a labelled sample folder")
    b.add_argument("folder", nargs="?", default="samples")
    b.add_argument("--no-baseline", action="store_true", help="skip the naive whole-image Tesseract baseline")
    b.add_argument("--limit", type=int, default=0, help="only the first N samples")
    b.add_argument("--quick", action="store_true", help="the scanner alone: no Tesseract-only run, no baseline")
    b.add_argument("--json", metavar="FILE", help="also write the raw per-sample results to FILE")
    b.add_argument("--capture", metavar="NAME", help="only one capture group (clean, scan, photo, closeup, document...)")
    b.add_argument("--peers", action="store_true", help="also run RapidOCR on the same images (pip install '.[bench]')")
    b.add_argument("--scaling", metavar="PHOTO", help="also time PHOTO re-encoded at 2, 6, 12 and 24 megapixels")
    b.add_argument("--throughput", metavar="N", type=int, default=0, help="also measure batch throughput with 1..N workers")
    from .service import add_arguments as serve_arguments

    serve_arguments(sub.add_parser("serve", help="run the HTTP service (needs the [serve] extra)"))
    lt = sub.add_parser("loadtest", help="load, fault and parity test of the HTTP service, on loopback")
    from .loadtest import add_arguments as loadtest_arguments

    loadtest_arguments(lt)
    try:
        ns = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    if ns.command == "scan":
        if ns.jobs == 0:
            ns.jobs = os.cpu_count() or 1
        return cmd_scan(ns)
    if ns.command == "serve":
        from .service import serve

        return serve(ns)
    if ns.command == "loadtest":
        from .loadtest import run_loadtest

        return run_loadtest(ns)
    from .bench import run_bench

    return run_bench(ns)


def run() -> None:
    """Console-script entry point."""
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130
    except ScannerError as exc:
        print(f"error: {exc.code}: {exc.message}", file=sys.stderr)
        code = exc.exit_code
    except BrokenPipeError:
        # The reader went away (`linkage-scanner scan DIR | head`): stop quietly, as Unix tools
        # do, and keep the interpreter from complaining again while it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    sys.exit(code)


if __name__ == "__main__":
    run()
