"""The command line: table and JSON output, exit codes, batches with bad inputs."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import SAMPLES, load_labels

LABELS = load_labels()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scanner", *args], capture_output=True, text=True, timeout=300)


def _first(capture: str, with_codes: bool = True) -> dict:
    return next(s for s in LABELS if s["capture"] == capture and (s["linkage_key"] is not None) == with_codes)


def test_json_output_gives_the_codes_and_exit_0():
    s = _first("clean")
    proc = run_cli("scan", "--json", str(SAMPLES / s["file"]))
    assert proc.returncode == 0, proc.stderr
    (line,) = proc.stdout.strip().splitlines()
    data = json.loads(line)
    assert data["source"].endswith(s["file"].split("/")[-1])
    assert data["ods_code"]["value"] == s["ods_code"]
    assert data["account_id"]["value"] == s["account_id"]


def test_table_output_names_each_code():
    s = _first("clean")
    proc = run_cli("scan", "--verbose", str(SAMPLES / s["file"]))
    assert proc.returncode == 0
    assert "Linkage key" in proc.stdout and "ODS code" in proc.stdout and "Account ID" in proc.stdout
    shown = proc.stdout.replace("[", "").replace("]", "")  # uncertain characters are bracketed
    assert s["ods_code"] in shown and s["account_id"] in shown
    assert "timings:" in proc.stdout


def test_batch_with_bad_input_continues_and_exits_2(tmp_path):
    good = _first("clean")
    nocodes = _first("nocodes", with_codes=False)
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 50)
    proc = run_cli("scan", "--json", str(SAMPLES / good["file"]), str(bad), str(SAMPLES / nocodes["file"]))
    assert proc.returncode == 2
    lines = [json.loads(x) for x in proc.stdout.strip().splitlines()]
    assert len(lines) == 3
    assert lines[0]["ods_code"]["value"] == good["ods_code"]
    assert lines[1]["error"].startswith("unreadable_input")
    assert lines[2]["status"] == "not_found"
    assert "Traceback" not in proc.stderr


def test_not_found_exits_1_and_usage_error_exits_2():
    s = _first("nocodes", with_codes=False)
    assert run_cli("scan", str(SAMPLES / s["file"])).returncode == 1
    proc = run_cli("scan", "--no-such-flag", "x")
    assert proc.returncode == 2


def test_output_piped_into_a_reader_that_stops_ends_quietly():
    # `linkage-scanner scan DIR | head -3`: head exits after three lines; the scanner must stop
    # without a traceback.  Many inputs give many lines, so writing outlives the reader.
    files = [str(p) for p in sorted((SAMPLES / "documents").glob("*.eml"))] * 40
    assert files
    proc = subprocess.Popen([sys.executable, "-m", "scanner", "scan", "--jobs", "1", *files],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    for _ in range(3):
        proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 1
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_a_flag_without_another_reading_says_why_once(capsys):
    # A character flagged with no other reading to offer (a key group read a character short) says
    # why, once for the run of them; a flag that offers others needs no reason.
    from scanner.cli import _print_table

    short = "its group is shorter than the others: a character may be missing here"
    field = {"value": "FUD7z2EWTy6y", "confidence": 0.5, "needs_review": True, "uncertain": [
        {"index": 2, "alternatives": ["D", "O"], "reason": "less sure"},
        *({"index": i, "alternatives": [c], "reason": short} for i, c in ((8, "T"), (9, "y"), (10, "6")))]}
    none = {"value": None, "confidence": 0.0, "needs_review": False, "uncertain": []}
    _print_table("x.jpg", {"status": "needs_review", "linkage_key": field, "ods_code": none, "account_id": none,
                           "warnings": []}, verbose=False)
    lines = [ln.strip() for ln in capsys.readouterr().out.splitlines() if "check character" in ln]
    assert lines == ["check character 3: D or O", f"check character 9: T ({short})",
                     "check character 10: y", "check character 11: 6"]
