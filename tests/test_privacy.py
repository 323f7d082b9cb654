"""Nothing leaks: code values never reach logs, reprs or exception texts, and no files are left behind."""

from __future__ import annotations

import logging
import os
import tempfile

import pytest

from scanner import ScannerError, scan
from scanner.models import FIELD_NAMES

from .conftest import SAMPLES, load_labels


def test_debug_logs_and_reprs_hold_no_code(caplog):
    samples = [s for s in load_labels() if s["linkage_key"] and s["capture"] in ("clean", "photo")][:2]
    before = set(os.listdir(tempfile.gettempdir()))
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
    assert set(os.listdir(tempfile.gettempdir())) <= before | {"pytest-of-root"}


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
