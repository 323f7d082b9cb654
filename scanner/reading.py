"""Stage 6b - read each value: several looks at the value's line, one vote.

Tesseract located the value; here the value's own crop is read again at a
good scale by the key recogniser (trained on random keys; it gives a
posterior per character) and by Tesseract in single-line mode with the
field's alphabet.  The readings are aligned character by character: where they
agree the character is trusted as far as the posteriors allow, where they
disagree or the posterior is low the character is reported as uncertain with
its ranked alternatives.  Nothing here is ever logged.
"""

from __future__ import annotations

import difflib
import string
from dataclasses import dataclass, field

import cv2
import numpy as np

from .enhance import line_for_ocr
from .models import CodeField, FieldName, UncertainChar
from .ocr import Box, OcrEngine
from .validate import KEY_CHARS, ODS_RE, check_account, check_key, check_ods

WHITELIST: dict[str, str] = {
    "linkage_key": KEY_CHARS,
    "ods_code": string.ascii_uppercase + string.digits,
    "account_id": string.digits,
}
#: Glyphs that some fonts draw (almost) alike; without a model these are never trusted.
CONFUSABLE = set("lI1|O0oQDcCsSvVwWxXzZkKpPuUyY")
#: Below this posterior a recogniser character is flagged for review.
CHAR_REVIEW = 0.90
FIELD_REVIEW = 0.90
#: A recogniser character at or above this posterior is trusted even when Tesseract reads
#: it differently (measured: 99.98% of such characters are right, see weights/MODEL_CARD.md).
MODEL_SURE = 0.99
#: Real keys are 13-16 characters; a shorter one may have lost a part.
KEY_USUAL_MIN = 10


@dataclass
class Reading:
    """One engine's reading of a value crop."""

    source: str
    text: str
    probs: list[float]
    alternatives: list[list[tuple[str, float]]] = field(default_factory=list)


def crop_value(page: np.ndarray, box: Box, scale: float) -> np.ndarray:
    """Cut the value's line out of the full-resolution page with a small margin."""
    h = box.h / scale
    x0 = int(max(0, box.x0 / scale - 0.45 * h))
    x1 = int(min(page.shape[1], box.x1 / scale + 0.45 * h))
    y0 = int(max(0, box.y0 / scale - 0.22 * h))
    y1 = int(min(page.shape[0], box.y1 / scale + 0.22 * h))
    return page[y0:y1, x0:x1]


def _looks(crop: np.ndarray) -> list[np.ndarray]:
    """Three looks at one value crop: as cut, with the light evened out, and with tighter
    top/bottom margins (a neighbouring line or a table rule at the edge matters less)."""
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    bg = cv2.GaussianBlur(grey, (0, 0), max(2.0, grey.shape[0] / 2))
    even = cv2.normalize(cv2.divide(grey, np.maximum(bg, 1), scale=230), None, 0, 255, cv2.NORM_MINMAX)
    m = max(1, grey.shape[0] // 10)
    tight = grey[m:-m] if grey.shape[0] > 4 * m else grey
    return [grey, even, tight]


def _to_reading(lr, source: str) -> Reading:  # noqa: ANN001
    chars = [c for c in lr.chars if c.char != " "]
    return Reading(
        source=source,
        text="".join(c.char for c in chars),
        probs=[float(c.prob) for c in chars],
        alternatives=[[(a, float(p)) for a, p in c.alternatives] for c in chars],
    )


def _from_recognizer(recognizer, crop: np.ndarray) -> list[Reading]:  # noqa: ANN001
    """The recogniser's vote over several looks: the most frequent text leads, and each of its
    characters keeps the posterior averaged over the looks, aligned character by character (a
    look that reads that character differently, or not at all, counts 0 for it)."""
    if recognizer is None or crop.size == 0 or min(crop.shape[:2]) < 4:
        return []
    reads = [_to_reading(lr, "model") for lr in recognizer.read_batch(_looks(crop))]
    texts = [r.text for r in reads]
    best_text = max(texts, key=lambda t: (texts.count(t), np.mean(reads[texts.index(t)].probs or [0])))
    support = [0.0] * len(best_text)
    merged: list[dict[str, float]] = [{} for _ in best_text]
    for r in reads:
        sm = difflib.SequenceMatcher(a=best_text, b=r.text, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                for k in range(i2 - i1):
                    support[i1 + k] += r.probs[j1 + k]
                    for a, q in r.alternatives[j1 + k]:
                        merged[i1 + k][a] = max(merged[i1 + k].get(a, 0.0), q)
            elif tag == "replace" and i2 - i1 == j2 - j1:
                for k in range(i2 - i1):
                    a, q = r.text[j1 + k], r.probs[j1 + k]
                    merged[i1 + k][a] = max(merged[i1 + k].get(a, 0.0), q)
    probs = [float(v / len(reads)) for v in support]
    alts = [sorted(((a, q) for a, q in m.items() if a != ch), key=lambda t: -t[1]) for m, ch in zip(merged, best_text)]
    voted = Reading(source="model", text=best_text, probs=probs, alternatives=alts)
    # Looks that read a different length stay in as second opinions for the aligned vote.
    return [voted] + [Reading("model-look", r.text, r.probs) for r in reads if len(r.text) != len(best_text)]


def _from_tesseract(engine: OcrEngine, crop: np.ndarray, fname: str) -> Reading | None:
    if crop.size == 0:
        return None
    lt = engine.line(line_for_ocr(crop), whitelist=WHITELIST[fname])
    syms = [s for s in lt.symbols if s.char.strip()]
    if syms:
        text = "".join(s.char for s in syms)
        probs = [s.conf for s in syms]
        alts = [[(c, p) for c, p in s.choices if c and c != s.char] for s in syms]
    else:
        text = "".join(lt.text.split())
        probs = [lt.conf / 100.0] * len(text)
        alts = [[] for _ in text]
    return Reading(source="tesseract", text=text, probs=probs, alternatives=alts)


def _validated(fname: str, text: str):  # noqa: ANN202
    if fname == "ods_code":
        return check_ods(text)
    if fname == "account_id":
        return check_account(text)
    return check_key(text)


def vote(fname: FieldName, readings: list[Reading], has_model: bool) -> CodeField:
    """Combine readings of one value into a field with per-character certainty."""
    valid = []
    for r in readings:
        chk = _validated(fname, r.text)
        if chk.valid and chk.value is not None:
            valid.append((r, chk))
    if not valid:
        return CodeField(value=None, confidence=0.0, needs_review=True)
    # The model is the primary reader when present; Tesseract otherwise.
    primary, pchk = valid[0]
    value = pchk.value or ""
    others = [r for r, _ in valid[1:]] + [r for r in readings if all(r is not v for v, _ in valid)]
    uncertain: dict[int, UncertainChar] = {}
    for idx, alts in pchk.repaired:
        uncertain[idx] = UncertainChar(index=idx, alternatives=list(dict.fromkeys(alts)), reason="changed to fit the code's format")
    # Per-character posterior of the primary reading (same length unless repaired by removing spaces).
    probs = primary.probs if len(primary.probs) == len(value) else [min(primary.probs or [0.0])] * len(value)
    alts = primary.alternatives if len(primary.alternatives) == len(value) else [[] for _ in value]
    resolved: set[int] = set()
    for i, ch in enumerate(value):
        p = probs[i]
        trust = p if primary.source == "model" or not _confusable(fname, i, ch) else min(p, 0.6)
        if trust < CHAR_REVIEW and i not in uncertain:
            cands = [ch] + [a for a, q in sorted(alts[i], key=lambda t: -t[1]) if q >= 0.02 and a != ch]
            if len(cands) == 1 and _confusable(fname, i, ch):
                cands += _look_alikes(ch)
            cands = [ch] + [a for a in cands[1:] if _allowed(fname, value, i, a)]
            if len(cands) == 1 and fname != "linkage_key":
                resolved.add(i)
                continue  # the format rules out every other reading of this character
            uncertain[i] = UncertainChar(index=i, alternatives=list(dict.fromkeys(cands))[:4],
                                         reason="hard to read")
    agreement = 1.0
    for other in others:
        other_text = "".join(other.text.split())
        if fname != "linkage_key":
            chk = _validated(fname, other_text)
            other_text = chk.value or other_text
        sm = difflib.SequenceMatcher(a=value, b=other_text, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                continue
            if tag == "insert" and (fname == "ods_code" or any(c not in WHITELIST[fname] for c in other_text[j1:j2])):
                continue  # an ODS code's length is fixed; a symbol no code contains ('¥', '|') is a misread
            if primary.source == "model" and all(probs[i] >= MODEL_SURE for i in range(i1, min(i2, len(probs)))) \
                    and tag != "insert":
                continue  # the recogniser is sure here; Tesseract's different guess is its word prior talking
            agreement = min(agreement, 0.85 if has_model else 0.6)
            if tag == "replace" and i2 - i1 == j2 - j1:
                for k in range(i2 - i1):
                    i = i1 + k
                    prev = uncertain.get(i)
                    cands = (prev.alternatives if prev else [value[i]]) + [other_text[j1 + k]]
                    uncertain[i] = UncertainChar(index=i, alternatives=list(dict.fromkeys(cands))[:4],
                                                 reason="readings disagree")
            elif tag in ("replace", "delete"):
                for i in range(i1, i2):
                    prev = uncertain.get(i)
                    uncertain[i] = UncertainChar(index=i, alternatives=prev.alternatives if prev else [value[i]],
                                                 reason="readings disagree")
            elif tag == "insert" and value and _doubled_glyph(value, probs, i1, other_text[j1:j2], primary.source):
                continue
            elif tag == "insert" and value:
                # Often Tesseract writing an ambiguous glyph twice, but it may be a character the
                # recogniser dropped: flag the neighbour so the person checks that spot.
                i = min(max(0, i1 - 1), len(value) - 1)
                prev = uncertain.get(i)
                extra = value[i] + other_text[j1:j2] if i < i1 else other_text[j1:j2] + value[i]
                opts = (prev.alternatives if prev else [value[i]]) + [extra]
                uncertain[i] = UncertainChar(index=i, alternatives=list(dict.fromkeys(opts))[:4],
                                             reason="a character may be missing next to this one")
    errors = [min(_char_error(p, primary.source), 0.02) if i in resolved else _char_error(p, primary.source)
              for i, p in enumerate(probs)]
    conf = float(np.prod([1.0 - e for e in errors])) if probs else 0.0
    if primary.source != "model":
        conf = min(conf, 0.8) if any(c in CONFUSABLE for c in value) and fname == "linkage_key" else conf
    conf = max(0.0, min(1.0, conf * agreement * (0.9 if pchk.repaired else 1.0)))
    if uncertain:
        conf = min(conf, 0.75)
    needs_review = bool(uncertain) or conf < FIELD_REVIEW
    if needs_review and not uncertain and fname == "linkage_key":
        # Many slightly unsure characters add up: point the person at the least sure ones.
        for i in sorted(range(len(value)), key=lambda k: probs[k])[:2]:
            if probs[i] < MODEL_SURE:
                cands = [value[i]] + [a for a, q in sorted(alts[i], key=lambda t: -t[1]) if _allowed(fname, value, i, a)]
                uncertain[i] = UncertainChar(index=i, alternatives=list(dict.fromkeys(cands))[:4], reason="less sure")
    if fname == "linkage_key" and len(value) < KEY_USUAL_MIN:
        needs_review, conf = True, min(conf, 0.5)  # unusually short: part of it may be missing
    return CodeField(value=value, confidence=round(conf, 4), needs_review=needs_review,
                     uncertain=sorted(uncertain.values(), key=lambda u: u.index))


def _allowed(fname: str, value: str, index: int, ch: str) -> bool:
    """Would the value still be a valid code with ``ch`` at ``index``?"""
    if len(ch) != 1:
        return True
    candidate = value[:index] + ch + value[index + 1:]
    if fname == "ods_code":
        return bool(ODS_RE.match(candidate))
    if fname == "account_id":
        return ch.isdigit()
    return ch in KEY_CHARS


def _char_error(p: float, source: str) -> float:
    """Chance a character is wrong given its posterior.  For the recogniser this is the
    measured error per posterior band on held-out fonts (weights/MODEL_CARD.md)."""
    if source != "model":
        return 1.0 - p
    if p >= 0.99:
        return 0.0005
    if p >= 0.9:
        return 0.02
    if p >= 0.5:
        return 0.25
    return 0.55


def _doubled_glyph(value: str, probs: list[float], i1: int, extra: str, source: str) -> bool:
    """Tesseract's habit of writing both readings of one glyph ('Xx', 'S0O'): harmless when the
    recogniser is sure of the neighbour and every extra character looks like it."""
    if source != "model":
        return False
    for n in (i1 - 1, i1):
        if 0 <= n < len(value) and n < len(probs) and probs[n] >= MODEL_SURE:
            group = {value[n]} | set(_look_alikes(value[n])) | {value[n].swapcase()}
            if all(c in group for c in extra):
                return True
    return False


def _confusable(fname: str, index: int, ch: str) -> bool:
    """Could this character be another one the field's format allows at this position?"""
    if ch not in CONFUSABLE:
        return False
    if fname == "account_id" or (fname == "ods_code" and index > 0):
        return False  # digit positions: the look-alikes are letters, which the format rules out
    if fname == "ods_code":
        return any(a.isupper() for a in _look_alikes(ch))
    return True


_LOOKS = [set("lI1|"), set("O0oQD"), set("cC"), set("sS5"), set("vV"), set("wW"), set("xX"), set("zZ2"),
          set("kK"), set("pP"), set("uU"), set("yY"), set("B8"), set("G6")]


def _look_alikes(ch: str) -> list[str]:
    for group in _LOOKS:
        if ch in group:
            return sorted(group - {ch})
    return []


def read_value(fname: FieldName, page: np.ndarray, box: Box, scale: float, ocr_text: str,
               engine: OcrEngine, recognizer, tesseract: bool = True) -> tuple[CodeField, np.ndarray]:  # noqa: ANN001
    """Read one value crop with every reader available and vote (``tesseract=False``: the
    recogniser's reading alone, for the benchmark's comparison)."""
    crop = crop_value(page, box, scale)
    readings: list[Reading] = []
    model = _from_recognizer(recognizer, crop)
    readings += model
    if tesseract or not model:
        tess = _from_tesseract(engine, crop, fname)
        if tess is not None:
            readings.append(tess)
        page_text = "".join(ocr_text.split())
        readings.append(Reading(source="page", text=page_text, probs=[0.5] * len(page_text)))
    return vote(fname, readings, has_model=bool(model)), crop
