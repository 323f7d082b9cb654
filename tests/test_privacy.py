"""Nothing leaks: code values never reach logs, reprs or exception texts, and no files are left behind."""

from __future__ import annotations

import logging
import os
import tempfile

import pytest

from scanner import ScannerError, scan
from scanner.models import FIELD_NAMES

from .conftest import SAMPLES, load_labels


def test_debug_logs_and_reprs_hold_no_code(caplog, tmp_path, monkeypatch):
    samples = [s for s in load_labels() if s["linkage_key"] and s["capture"] in ("clean", "photo")][:2]
    # A private temp dir: other processes on the machine may write to the shared one meanwhile.
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setenv("TMPDIR", str(private))
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    texts = []
    with caplog.at_level(logging.DEBUG):
        for s in samples:
            r = scan(SAMPLES / s["file"])
            assert r.ods_code.value == s["ods_code"]  # it did read the codes...
            texts += [repr(r), str(r), repr(r.linkage_key)]
            with pytest.raises(ScannerError) as info:
                scan((SAMPLES / s["file"]).read_bytes()[:5000])  # truncated
            texts.append(str(info.value))
    texts.append(caplog.text)
    blob = "\n".join(texts)
    for s in samples:
        for f in FIELD_NAMES:
            assert s[f] not in blob, f"{f} leaked"  # ...but never shows them
    assert not os.listdir(private)


def test_documents_leak_no_code_and_leave_no_file(caplog, tmp_path, monkeypatch):
    """PDFs, emails and text: DEBUG logs, warnings, reprs and error texts hold no true code."""
    import json

    docs = json.loads((SAMPLES / "documents" / "labels.json").read_text())
    samples = [s for s in docs if s["linkage_key"] and s["kind"] in ("pdf-text", "email", "text", "pdf-scan")]
    # A private temp dir: other processes on the machine may write to the shared one meanwhile.
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setenv("TMPDIR", str(private))
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    texts = []
    with caplog.at_level(logging.DEBUG):
        for s in samples:
            data = (SAMPLES / s["file"]).read_bytes()
            if s["kind"] != "pdf-scan" or s["file"].endswith("scan_003.pdf"):
                r = scan(data)
                texts += [repr(r), str(r), repr(r.linkage_key), *r.warnings]
            for cut in (len(data) // 2, len(data) - 7):
                try:
                    r = scan(data[:cut])
                    texts += [repr(r), *r.warnings]
                except ScannerError as exc:
                    texts += [str(exc), repr(exc)]
            # A value in the wrong format next to its label: the warning names the label, not the value.
            r = scan(f"Linkage key: {s['linkage_key']}\nODS code: {s['ods_code']}9\nAccount ID: x{s['account_id']}\n".encode())
            texts += [repr(r), *r.warnings]
    texts.append(caplog.text)
    blob = "\n".join(texts)
    for s in samples:
        for f in FIELD_NAMES:
            assert s[f] not in blob, f"{f} of {s['file']} leaked"
    assert not os.listdir(private)


def test_a_scan_stores_nothing_in_home_or_temp(tmp_path):
    """A fresh process scanning a letter writes nothing to its home or temp folders
    (onnxruntime's usage telemetry included)."""
    import subprocess
    import sys

    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    sample = next(s for s in load_labels() if s["linkage_key"] and s["capture"] == "closeup")
    env = {k: v for k, v in os.environ.items() if k not in ("ORT_DISABLE_TELEMETRY", "XDG_CACHE_HOME")}
    env.update(HOME=str(home), TMPDIR=str(tmp))
    code = "import sys, scanner; r = scanner.scan(sys.argv[1]); print(r.ods_code.value)"
    out = subprocess.run([sys.executable, "-c", code, str(SAMPLES / sample["file"])], env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == sample["ods_code"]
    assert sample["linkage_key"] not in out.stdout + out.stderr
    assert not any(home.rglob("*")), sorted(str(p) for p in home.rglob("*"))
    assert not any(tmp.rglob("*")), sorted(str(p) for p in tmp.rglob("*"))
