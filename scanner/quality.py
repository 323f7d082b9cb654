"""Picture quality: cheap measurements and plain-words retake advice.

When a code is missing or uncertain because of the picture, the patient needs
to know what to change.  Each piece of advice rests on one measurement of the
code panel (or the page when no panel was found).
"""

from __future__ import annotations

import cv2
import numpy as np

from .enhance import percentile_u8
from .models import FIELD_NAMES, Quality, ScanResult

#: Variance of the Laplacian below which text edges are too soft to trust.
BLUR_LIMIT = 60.0
#: Character height (source pixels) below which the codes are too small.
SMALL_TEXT_PX = 12.0
GLARE_LIMIT = 0.02
DARK_LIMIT = 80.0


def assess(page: np.ndarray, panel: np.ndarray | None, crops: dict[str, np.ndarray], source_scale: float,
           page_info, text_h: float | None) -> Quality:  # noqa: ANN001
    """Measure sharpness, text size, glare and brightness where the codes are."""
    region = panel if panel is not None and panel.size else page
    if region.size == 0:
        return Quality()
    h, w = region.shape[:2]
    f = min(1.0, 1200.0 / max(h, w))
    small = cv2.resize(region, (max(1, int(w * f)), max(1, int(h * f)))) if f < 1 else region
    sharp = float(cv2.Laplacian(small, cv2.CV_64F).var())
    heights = [c.shape[0] / 1.44 for c in crops.values() if c.size]  # crops carry ~22% margin top and bottom
    th = float(np.median(heights)) if heights else text_h
    return Quality(
        sharpness=round(sharp, 1),
        text_height_px=round(th * source_scale, 1) if th else None,
        glare_fraction=_glare(small),
        brightness=round(float(np.median(small)), 1),
    )


def _glare(grey: np.ndarray) -> float:
    """Share of blown-out pixels, counted only when the paper itself is not white (a clean render has no glare)."""
    paper = percentile_u8(grey, 60)
    if paper >= 235:
        return 0.0
    return round(float((grey >= 250).mean()), 4)


def retake_advice(result: ScanResult, q: Quality) -> list[str]:
    """Plain-words advice when the picture is why a code is missing or doubtful."""
    doubtful = [f for f in FIELD_NAMES if result.field(f).value is None or result.field(f).needs_review]
    if not doubtful:
        return []
    advice = []
    if q.text_height_px is not None and q.text_height_px < SMALL_TEXT_PX:
        advice.append("The codes look very small: move the phone closer so the box with the codes fills more of the picture.")
    if q.sharpness is not None and q.sharpness < BLUR_LIMIT:
        advice.append("The picture looks blurred: hold the phone still, let it focus, and take the photo again.")
    if q.brightness is not None and q.brightness < DARK_LIMIT:
        advice.append("The picture is too dark: turn on a light or move near a window.")
    if q.glare_fraction is not None and q.glare_fraction > GLARE_LIMIT:
        advice.append("There is glare on the codes: tilt the letter or the phone so no light reflects off it.")
    if all(result.field(f).value is None for f in FIELD_NAMES):
        advice.append("No codes were found: make sure the whole box with the Linkage Key, ODS code and Account ID is in the picture.")
    return advice
