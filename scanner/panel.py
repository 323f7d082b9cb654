"""Stage 3 - panel: find the boxed, shaded or tabled area that holds the codes.

Letters put the codes in a bordered box, a table or a shaded panel.  Ruled
lines are found with long thin morphological openings, shaded areas as large
regions darker than the paper but lighter than ink.  Each candidate is a
rectangle on the page; the OCR stage reads candidates first and falls back to
the whole page when none of them holds the labels.
"""

from __future__ import annotations

import cv2
import numpy as np

from .enhance import percentile_u8, rule_runs
from .ocr import Box


def _rects_from_mask(mask: np.ndarray, min_area: float, page_area: float) -> list[Box]:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        area = w * h
        if area < min_area or area > 0.4 * page_area or h < 12 or w < 3 * h / 4:
            continue
        out.append(Box(float(x), float(y), float(x + w), float(y + h)))
    return out


def find_panels(grey: np.ndarray, text_height: float) -> list[Box]:
    """Candidate code panels (ruled boxes/tables and shaded areas), largest first."""
    h, w = grey.shape
    page_area = float(h * w)
    min_area = max(page_area * 0.004, (3 * text_height) ** 2)
    _, horiz, vert = rule_runs(grey, text_height, max(20, int(5 * text_height)))
    ruled = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))
    boxes = _rects_from_mask(ruled, min_area, page_area)
    # A lone horizontal rule pair (top/bottom) also frames a panel: keep boxes taller than a line.
    boxes = [b for b in boxes if b.h > 1.8 * text_height]

    # Remove the ink first (a max filter wider than a stroke), so only the background's tone is left.
    k = max(3, int(1.2 * text_height)) | 1
    background = cv2.dilate(grey, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    paper = percentile_u8(background, 75)
    shaded = ((background < paper - 12) & (background > 110)).astype(np.uint8) * 255
    shaded = cv2.morphologyEx(shaded, cv2.MORPH_OPEN, np.ones((int(text_height) | 1,) * 2, np.uint8))
    boxes += [b for b in _rects_from_mask(shaded, min_area, page_area) if b.h > 1.8 * text_height]

    boxes.sort(key=lambda b: -(b.w * b.h))
    merged: list[Box] = []
    for b in boxes:
        if any(b.overlap(m) > 0.7 for m in merged):
            continue
        merged.append(b)
    return merged[:6]
