"""Stage 5a - a quick look for the code labels on a page without a code box.

Why: when no panel holds the codes, Tesseract used to read the whole page
(0.6-1 s on one core for a letter of prose) only to find three labels.  The
labels start a line or a table cell ("Linkage Key:  ...", a label column), so
the recogniser, which was trained on labelled code lines, reads the first
few words of every line and cell (about 3 ms each, batched), and Tesseract
then reads only the rows around the labels it saw.  The caller still reads
the whole page when these rows do not give every code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

import cv2
import numpy as np

from .extract import Label, find_labels
from .ocr import Box, Word

#: How much of a line's start is read, in text heights: "Account Linkage Key:" and a little more.
LEAD_WIDTH = 24.0
#: Gaps closed along a line, in text heights: between words, not between a table's columns.
SMEAR = 1.8
#: More runs than this is no letter (a letter page has 30-60): noise or a picture, left to the
#: whole-page read and its time limit rather than read run by run.
MAX_RUNS = 200
#: The narrowest run read for a label, and the narrowest kept to stand under a key's start (its
#: rest, wrapped), in text heights.
LABEL_RUN, SHORT_RUN = 1.5, 0.5
#: A thin upright stroke taller than this many text heights is part of a rule, never a glyph.
RULE_PIECE = 1.8
#: Fewer runs than this is a close-up of the codes, which Tesseract reads whole faster than the look.
MIN_RUNS = 12


def line_starts(flat: np.ndarray, text_h: float, min_width: float = LABEL_RUN) -> list[Box]:
    """Boxes of the runs of text on a light-evened page: letters and words smeared together
    along the line, split where a gap is wider than ~2 text heights (a table's columns).  Rules
    and box outlines are taken out first, or a label in a box would join the box.  Runs narrower
    than ``min_width`` text heights are left out (a word of two letters is no label)."""
    inv = cv2.adaptiveThreshold(flat, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    k = max(3, round(text_h))
    # Ink taller than a line of text or longer than a few words is a rule, a box's outline (also
    # a rounded or photographed one) or a picture, never a label.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(inv, connectivity=8)
    hs, ws = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    # (A piece of a box's side, cut off by the page's curl or a break in the print, is tall and thin:
    # smeared to the line beside it, it made the line's run too tall to be one.)
    big = (hs > 2.5 * text_h) | (ws > 15 * text_h) | ((hs > RULE_PIECE * text_h) & (ws * 3 < hs))
    big[0] = False
    inv[big[labels]] = 0
    del labels  # 4 bytes a pixel (20 MB on a photographed page): freed before the next labelling
    # A monospaced face leaves a whole character's width between words.
    smeared = cv2.morphologyEx(inv, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (round(SMEAR * k), 1)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(smeared)
    runs = []
    for x, y, w, h, _area in stats[1:n]:
        if 0.5 * text_h <= h <= 3 * text_h and w >= min_width * text_h:
            runs.append(Box(float(x), float(y), float(x + w), float(y + h)))
    return runs


def _words(run: Box, left: float, read, line: int) -> list[Word]:  # noqa: ANN001 - recognizer.LineRead
    """The recogniser's reading of a run's start (its crop began at x = ``left``) as words with
    boxes in page pixels."""
    out: list[Word] = []
    text, x0, x1 = "", 0, 0
    for c in [*read.chars, None]:
        if c is None or c.char == " ":
            if text:
                out.append(Word(text, 100.0 * read.confidence, Box(left + x0, run.y0, left + x1, run.y1), line))
            text = ""
        else:
            if not text:
                x0 = c.x0
            text, x1 = text + c.char, c.x1
    return out


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def same_row(a: Box, b: Box) -> bool:
    """Two runs of one row of text: sharing more than half the shorter one's height."""
    return _overlap(a.y0, a.y1, b.y0, b.y1) > 0.5 * min(a.h, b.h)


def _value_region(runs: Sequence[Box], i: int, label: Box, text_h: float, field: str,
                  short: Sequence[Box] = ()) -> Box:
    """Run ``i`` (where ``label`` was read) with what may hold its value: the runs to its right
    on the same line (the rest of a table row) or, for a label alone on its line, the first run
    under it (a value printed below its label); for a key's label, also a run (of ``runs`` or the
    ``short`` ones: a key's rest may be two letters) under the value's start on the next line."""
    lab = runs[i]
    region = lab
    row = [r for r in runs if r.x0 > lab.x0 and same_row(r, lab)]
    for r in row:
        region = region.union(r)
    below = [r for r in runs if lab.y1 - 0.2 * lab.h < r.y0 < lab.y1 + 3 * text_h
             and _overlap(r.x0, r.x1, lab.x0, lab.x1) > 0]
    if below and not row and lab.x1 < label.x1 + 2 * text_h:
        region = region.union(min(below, key=lambda r: r.y0))
    if field == "linkage_key":
        # A key wrapped in a narrow cell goes on under its own start (``extract.wrapped_tail``).
        starts = [v.x0 for v in row] or [lab.x0 + 2 * text_h]  # the value in the label's run: past its start
        for r in [*runs, *short]:
            if lab.y1 - 0.2 * lab.h < r.y0 < lab.y1 + 1.5 * text_h and \
                    (any(abs(r.x0 - x) < text_h for x in starts) or (not row and starts[0] < r.x0 < lab.x1)):
                region = region.union(r)
    pad = 0.5 * text_h
    return Box(region.x0 - pad, region.y0 - pad, region.x1 + pad, region.y1 + pad)


class LabelLook(NamedTuple):
    """What the quick look saw: the parts of the page around the code labels, each with where its
    value may be; whether a label of every wanted field was seen; and those labels as read."""

    regions: list[Box]
    every: bool
    labels: list[Label]


def label_regions(flat: np.ndarray, text_h: float, recognizer,  # noqa: ANN001
                  wanted: set[str]) -> LabelLook:
    """The parts of the page around the code labels the recogniser (a KeyRecognizer) reads at
    the start of its lines and cells, each with where its value may be; and whether it saw a
    label of every field in ``wanted`` (only then may those parts alone be read: the caller reads
    the page whole otherwise, and the parts tell it where its codes may be)."""
    every = line_starts(flat, text_h, SHORT_RUN)
    runs = [r for r in every if r.w >= LABEL_RUN * text_h]
    if len(runs) < MIN_RUNS or len(runs) > MAX_RUNS:
        return LabelLook([], False, [])
    crops, lefts = [], []
    for r in runs:
        m = round(0.25 * r.h)
        x0, y0 = int(max(0, r.x0 - m)), int(max(0, r.y0 - m))
        x1 = int(min(flat.shape[1], min(r.x1, r.x0 + LEAD_WIDTH * text_h) + m))
        y1 = int(min(flat.shape[0], r.y1 + m))
        crops.append(flat[y0:y1, x0:x1])
        lefts.append(x0)
    words = [w for i, read in enumerate(recognizer.read_batch(crops, max_batch=4))
             for w in _words(runs[i], lefts[i], read, i)]
    labels = [lab for lab in find_labels(words) if lab.field != "other" and not lab.in_prose]
    short = [r for r in every if r.w < LABEL_RUN * text_h]
    regions = _merged([_value_region(runs, lab.words[0].line, lab.box, text_h, lab.field, short) for lab in labels])
    return LabelLook(regions, wanted <= {lab.field for lab in labels}, labels)


def relabelled(words: list[Word], labels: Sequence[Label], fields: set[str]) -> list[Word]:
    """Tesseract's ``words`` with each label of ``fields`` the look read (``LabelLook.labels``) put in
    place of the words Tesseract read there, where those read as no label of that field: a small,
    faint label Tesseract garbled (seed 165's photo: a card's `Linkage key` read `Lovage bey`, its
    key under it left unfound), which the recogniser, trained on code labels, read `iinkasge key`.
    The label's words take the line of the words they replace; where Tesseract read no word
    there, nothing is added."""
    out = list(words)
    for lab in labels:
        if lab.field not in fields:
            continue
        there = [w for w in out if same_row(w.box, lab.box) and lab.box.x0 <= (w.box.x0 + w.box.x1) / 2 <= lab.box.x1]
        if not there or any(found.field == lab.field for found in find_labels(there)):
            continue
        line = Counter(w.line for w in there).most_common(1)[0][0]
        out = [w for w in out if w not in there] + [Word(w.text, w.conf, w.box, line) for w in lab.words]
    return out


def _merged(boxes: Sequence[Box]) -> list[Box]:
    """Overlapping boxes joined (one OCR call for neighbouring labels)."""
    out: list[Box] = []
    for b in sorted(boxes, key=lambda b: b.y0):
        for k, o in enumerate(out):
            if _overlap(b.x0, b.x1, o.x0, o.x1) > 0 and _overlap(b.y0, b.y1, o.y0, o.y1) > 0:
                out[k] = o.union(b)
                break
        else:
            out.append(b)
    return out
