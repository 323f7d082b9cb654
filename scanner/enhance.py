"""Stage 4 - enhance: even out the light and bring text to the size OCR likes.

Phone photos have shading and shadows; dividing by a blurred background
estimate flattens them.  Tesseract reads best when capital letters are about
20-30 px tall, so the page is scaled by its measured text height rather than
by its pixel size (a close-up and a full page then cost about the same).
"""

from __future__ import annotations

import cv2
import numpy as np

#: Height of lower-case/capital glyph boxes Tesseract likes for page OCR.
TARGET_TEXT_HEIGHT = 22.0


def percentile_u8(img: np.ndarray, q: float) -> float:
    """np.percentile(img, q) (linear interpolation) for a uint8 image, from its histogram:
    the same value without sorting millions of pixels."""
    counts = cv2.calcHist([img], [0], None, [256], [0, 256]).ravel().astype(np.float64)
    cum = np.cumsum(counts)
    pos = q / 100.0 * (cum[-1] - 1)
    k = int(pos)
    lo = int(np.searchsorted(cum, k, side="right"))
    hi = int(np.searchsorted(cum, min(k + 1, cum[-1] - 1), side="right"))
    return lo + (pos - k) * (hi - lo)


def flatten_light(grey: np.ndarray) -> np.ndarray:
    """Divide out uneven lighting (shadows, vignetting) and stretch contrast."""
    h, w = grey.shape
    k = max(15, (min(h, w) // 30) | 1)
    small = cv2.resize(grey, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k // 4 | 1, k // 4 | 1)))
    bg = cv2.GaussianBlur(bg, (0, 0), max(1.0, k / 16))
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(grey, np.maximum(bg, 1), scale=255)
    # Paper maps to white; ink keeps its darkness (a mostly white page has no dark percentile).
    hi = percentile_u8(flat, 90)
    lo = min(percentile_u8(flat, 0.5), 100.0)
    if hi - lo < 10:
        return flat
    return cv2.convertScaleAbs(flat, alpha=255.0 / (hi - lo), beta=-lo * 255.0 / (hi - lo))


def estimate_text_height(grey: np.ndarray) -> float | None:
    """Median height of character-sized dark blobs, in pixels (None if no text)."""
    h, w = grey.shape
    f = min(1.0, 1400.0 / max(h, w))
    small = cv2.resize(grey, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA) if f < 1 else grey
    binary = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if n < 5:
        return None
    hs = stats[1:, cv2.CC_STAT_HEIGHT].astype(float)
    ws = stats[1:, cv2.CC_STAT_WIDTH].astype(float)
    keep = (hs >= 4) & (hs < small.shape[0] / 8) & (ws < 3 * hs) & (ws >= 1)
    if keep.sum() < 5:
        return None
    return float(np.median(hs[keep])) / f


def scale_for_ocr(grey: np.ndarray, text_height: float | None, max_side: int = 2400) -> tuple[np.ndarray, float]:
    """Resize so glyphs are about TARGET_TEXT_HEIGHT px; returns (image, factor)."""
    if not text_height:
        return grey, 1.0
    f = TARGET_TEXT_HEIGHT / text_height
    f = min(f, max_side / max(grey.shape))
    f = float(np.clip(f, 0.25, 3.0))
    if abs(f - 1.0) < 0.08:
        return grey, 1.0
    interp = cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC
    return cv2.resize(grey, (int(grey.shape[1] * f), int(grey.shape[0] * f)), interpolation=interp), f


def rule_runs(grey: np.ndarray, text_height: float, across_px: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The page's ink (binary, inverted) and its runs long enough to be rules: across, at least
    ``across_px`` long, and down, at least 2.5 text heights (a tall glyph is under 1.5).  A little
    vertical thickening keeps slightly slanted rules (residual skew) continuous across."""
    inv = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 12)
    thick = cv2.dilate(inv, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 5)))
    across = cv2.morphologyEx(thick, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (across_px, 1)))
    down = cv2.morphologyEx(inv, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(12, int(2.5 * text_height)))))
    return inv, across, down


def erase_rules(grey: np.ndarray, text_height: float) -> np.ndarray:
    """The page with its ruled lines (table and box borders) painted paper-white, for Tesseract's
    page reads.  Its layout analysis takes a cell border beside a word for part of the word or
    a picture: a slightly slanted table photographed close read its three values but none of
    their labels (seed 4242's closeup_005), and read every label once the rules were gone.
    A rule is a run of ink at least 8 text heights long (across) or 2.5 (down; a tall glyph is
    under 1.5) and thin: a blurred bold word can run 5 text heights unbroken, but it is as thick
    as its letters.  The rule and its blurred edge (2 px) are painted."""
    inv, across, down = rule_runs(grey, text_height, max(30, int(8 * text_height)))
    limit = max(3.0, 0.25 * text_height)  # the most ink a rule has across its run, in pixels
    rules = np.zeros(grey.shape, np.uint8)
    for runs, along in ((cv2.bitwise_and(across, inv), cv2.CC_STAT_WIDTH), (down, cv2.CC_STAT_HEIGHT)):
        n, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
        thin = stats[:, cv2.CC_STAT_AREA] <= limit * stats[:, along]
        thin[0] = False
        if thin.any():
            rules |= thin[labels].astype(np.uint8)
    if not rules.any():
        return grey
    mask = cv2.dilate(rules, np.ones((5, 5), np.uint8))
    out = grey.copy()
    out[mask > 0] = 255
    return out


def even_line_light(grey: np.ndarray, coarse_height: int) -> np.ndarray:
    """One text line with its light evened: divided by a blur half the line's height.  A line
    taller than ``coarse_height`` has the light measured on a copy half that high (a blur half
    the line's height, 8 pixels there): the light's shape is smooth, and at full size the blur
    cost 15 ms on a 64 x 900 px line, against 1 ms on the copy."""
    h, w = grey.shape
    if h > coarse_height:
        small_h = max(4, coarse_height // 2)
        f = small_h / h
        small = cv2.resize(grey, (max(1, round(w * f)), small_h), interpolation=cv2.INTER_AREA)
        bg = cv2.resize(cv2.GaussianBlur(small, (0, 0), small_h / 2), (w, h), interpolation=cv2.INTER_LINEAR)
    else:
        bg = cv2.GaussianBlur(grey, (0, 0), max(2.0, h / 2))
    return cv2.divide(grey, np.maximum(bg, 1), scale=230)


def line_for_ocr(crop: np.ndarray, target_height: int = 48) -> np.ndarray:
    """Scale a single value line so it is ``target_height`` px tall, with a white margin."""
    h, w = crop.shape
    f = target_height / max(1, h)
    if abs(f - 1) > 0.05:
        crop = cv2.resize(crop, (max(1, int(w * f)), target_height),
                          interpolation=cv2.INTER_CUBIC if f > 1 else cv2.INTER_AREA)
    pad = target_height // 3
    return cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
