"""Key recogniser: shipped model matches its card, reads unseen fonts, and
returns consistent per-character results.  Runtime venv only (no torch)."""
from __future__ import annotations

import hashlib
import re
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
for p in (str(ROOT), str(ROOT / "tools")):
    if p not in sys.path:
        sys.path.insert(0, p)

import linegen  # noqa: E402

from scanner.recognizer import CHARSET, CharRead, KeyRecognizer, LineRead, get_recognizer  # noqa: E402

MODEL = ROOT / "scanner" / "weights" / "keyreader.onnx"
CARD = ROOT / "scanner" / "weights" / "MODEL_CARD.md"
# This seeded set measured 55/60 (92 %) with the shipped model (held-out
# clean 88.0 % on 400 lines, MODEL_CARD.md; the previous model read 51/60);
# the floor catches regressions.  Raise it when a better model is committed.
HELDOUT_CLEAN_FLOOR = 0.85


@pytest.fixture(scope="module")
def heldout_lines():
    fonts = linegen.available(linegen.HELDOUT_FONTS)
    if len(fonts) < 6:
        pytest.skip("held-out fonts not installed (fonts-urw-base35, "
                    "fonts-texgyre, fonts-open-sans, fonts-cantarell)")
    return linegen.eval_set(2024, fonts, 60, degrade=False, kind="key")


def test_model_sha256_matches_card():
    sha = hashlib.sha256(MODEL.read_bytes()).hexdigest()
    m = re.search(r"sha256: `([0-9a-f]{64})`", CARD.read_text())
    assert m, "MODEL_CARD.md has no sha256 line"
    assert m.group(1) == sha
    assert MODEL.stat().st_size <= 10 * 1024 * 1024


def test_charset_matches_generator():
    assert CHARSET == linegen.CHARSET


def test_heldout_fonts_clean_key_accuracy(heldout_lines):
    kr = get_recognizer()
    reads = kr.read_batch([img for img, _, _ in heldout_lines])
    ok = sum(r.text == t for r, (_, t, _) in zip(reads, heldout_lines))
    assert ok / len(heldout_lines) >= HELDOUT_CLEAN_FLOOR, \
        f"{ok}/{len(heldout_lines)} exact"


def test_read_structure(heldout_lines):
    kr = get_recognizer()
    for img, _text, _ in heldout_lines[:20]:
        r = kr.read(img)
        assert isinstance(r, LineRead)
        assert len(r.chars) == len(r.text)
        assert "".join(c.char for c in r.chars) == r.text
        assert 0.0 <= r.confidence <= 1.0
        if r.chars:
            assert r.confidence == pytest.approx(min(c.prob for c in r.chars))
        for c in r.chars:
            assert isinstance(c, CharRead)
            assert 0.0 <= c.prob <= 1.0
            assert 0 <= c.x0 < c.x1 <= img.shape[1]
            probs = [p for _, p in c.alternatives]
            assert probs == sorted(probs, reverse=True)
            assert all(0.01 <= p <= 1.0 for p in probs)
            assert c.char not in [a for a, _ in c.alternatives]
        xs = [c.x0 for c in r.chars]
        assert xs == sorted(xs)


def test_batch_equals_single_and_input_variants(heldout_lines):
    kr = get_recognizer()
    imgs = [img for img, _, _ in heldout_lines[:8]]
    single = [kr.read(i).text for i in imgs]
    assert [r.text for r in kr.read_batch(imgs)] == single
    img = imgs[0]
    bgr = np.repeat(img[:, :, None], 3, axis=2)
    assert kr.read(bgr).text == single[0]
    assert kr.read(255 - img).text == single[0]  # light text on dark


def test_thread_safe(heldout_lines):
    kr = KeyRecognizer()
    imgs = [img for img, _, _ in heldout_lines[:12]]
    want = [kr.read(i).text for i in imgs]
    got: dict[int, list[str]] = {}

    def work(k):
        got[k] = [kr.read(i).text for i in imgs]

    ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert all(v == want for v in got.values())
    assert get_recognizer() is get_recognizer()


def test_blank_crop_reads_empty():
    r = get_recognizer().read(np.full((30, 200), 245, np.uint8))
    assert r.text == "" and r.chars == () and r.confidence == 0.0
