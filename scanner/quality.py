"""Picture quality: cheap measurements and plain-words retake advice.

When a code is missing or uncertain because of the picture, the patient needs
to know what to change.  Each piece of advice rests on one measurement of the
code panel (or the page when no panel was found).
"""

from __future__ import annotations

import cv2
import numpy as np

from .enhance import percentile_u8
from .models import FIELD_NAMES, FIELD_TEXT, CodeField, Quality, ScanResult
from .reading import CROP_MARGIN

#: Blur (``edge_blur``) from which the text is too soft to trust (``tools/blur_eval.py``).  On the
#: 136 photos and close-ups of the samples and generator seeds 777, 91 and 123 (where it was
#: chosen) the measure ranks the pictures by their blur (motion blur plus twice the defocus, over
#: the cap height) with Spearman 0.79, where the variance of the Laplacian (which follows the
#: camera's resolution and its noise) ranked them 0.51; at 0.21 it calls 14 of the 21 blurred by a
#: quarter of the cap height or more blurred, 1 of the 108 blurred by less than a sixth, and none of
#: their 88 scans and clean renders.  On seeds 4242, 31, 58 and 64, not looked at: Spearman 0.70
#: (Laplacian 0.58), 8 of 13, 1 of 117, 0 of 88.
BLUR_LIMIT = 0.21
#: Character height (source pixels) below which the codes are too small.
SMALL_TEXT_PX = 12.0
GLARE_LIMIT = 0.02
#: Share of the paper's light a shadow must take from part of the codes' panel to be mentioned.
#: The generator's hand and phone shadows took up to 0.27 of it on the code panels of the samples
#: and seeds 777/91/123 (224 pictures), which the scanner reads through (the light is evened
#: before OCR); the advice is for deeper ones.
SHADOW_LIMIT = 0.4
#: How wide (in text heights) a dark thing may be and still be wiped off before the paper's light
#: is measured: wider than a letter, and than a table's header row printed dark (an independent
#: letter's, two text heights tall, read as a shadow deeper than ``SHADOW_LIMIT`` on a scan at 1.5).
#: A shadow is larger and soft: on the samples' 62 pictures at 4 the depth moved by -0.07 to +0.10
#: (median -0.005), the deepest 0.23.
SHADOW_WIPE = 4.0
DARK_LIMIT = 80.0


def assess(page: np.ndarray, panel: np.ndarray | None, crops: dict[str, np.ndarray], source_scale: float,
           text_h: float | None) -> Quality:
    """Measure sharpness, blur, text size, shadow, glare and brightness where the codes are."""
    region = panel if panel is not None and panel.size else page
    if region.size == 0:
        return Quality()
    region = _dark_on_light(region)
    h, w = region.shape[:2]
    f = min(1.0, 1200.0 / max(h, w))
    small = cv2.resize(region, (max(1, int(w * f)), max(1, int(h * f)))) if f < 1 else region
    sharp = float(cv2.Laplacian(small, cv2.CV_64F).var())
    heights = [_line_height(c) for c in crops.values() if c.size]
    th = float(np.median(heights)) if heights else text_h
    # Blur where it matters most: on the key's crop, else another code's, else the panel or page.
    crop = next((crops[k] for k in ("linkage_key", "account_id", "ods_code") if k in crops and crops[k].size), None)
    blur = edge_blur(crop, _line_height(crop)) if crop is not None else None
    if blur is None:
        blur = edge_blur(region, text_h)
    shadow = shadow_depth(region, text_h)
    return Quality(
        sharpness=round(sharp, 1),
        blur=None if blur is None else round(blur, 3),
        text_height_px=round(th * source_scale, 1) if th else None,
        shadow=None if shadow is None else round(shadow, 3),
        glare_fraction=_glare(small, page),
        brightness=round(float(np.median(small)), 1),
    )


def _dark_on_light(grey: np.ndarray) -> np.ndarray:
    """The region as dark print on a light ground: where its ground is the darker of Otsu's two
    classes (white type on a dark box), its negative; the box's dark is no lack of light, nor its
    white type glare."""
    t, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return 255 - grey if float(np.median(grey)) <= t else grey


def _line_height(crop: np.ndarray) -> float:
    """The text line's height in a value crop, without the margins ``reading.crop_value`` adds."""
    return crop.shape[0] / (1 + 2 * CROP_MARGIN)


def shadow_depth(grey: np.ndarray, text_h: float | None) -> float | None:
    """How much of the paper's light the darkest part of the region has lost (0: even light,
    0.5: half of it), on a copy with ~4 px text since light and shadow are smooth: the ink is
    wiped off first (a maximum filter wider than a letter, ``SHADOW_WIPE``), then the paper's light
    smoothed over three letters."""
    if grey.size == 0 or not text_h:
        return None
    f = min(1.0, 4.0 / text_h)
    g = cv2.resize(grey, (max(1, int(grey.shape[1] * f)), max(1, int(grey.shape[0] * f))), interpolation=cv2.INTER_AREA)
    wipe = max(3, int(SHADOW_WIPE * text_h * f)) | 1
    k = max(3, int(1.5 * text_h * f)) | 1
    paper = cv2.blur(cv2.dilate(g, cv2.getStructuringElement(cv2.MORPH_RECT, (wipe, wipe))), (2 * k + 1, 2 * k + 1))
    return float(1.0 - percentile_u8(paper, 3) / max(1.0, percentile_u8(paper, 97)))


#: Text height the blur is measured at: the edge width then reads in shares of the text height.
_BLUR_TEXT_PX = 24.0
_BLUR_WINDOW = 1200


def edge_blur(grey: np.ndarray | None, text_h: float | None) -> float | None:
    """How soft the text's edges are, in shares of the text height: sharp print about 0.1-0.15,
    text smeared by a third of its height 0.2-0.35.

    The text is scaled to a fixed height first, so the measure follows the blur against the
    letters, not the camera's resolution.  An edge blurred over ``w`` pixels rises by the ink's
    contrast over ``w``: the contrast over the steepest rises (99th percentile of the grey
    differences between neighbours) gives ``w``, in four directions.  Motion blur softens the
    edges across its path only, so the widest counts twice, less the narrowest: a shake
    shows as much as a defocus twice as wide."""
    if grey is None or grey.size == 0 or not text_h:
        return None
    f = _BLUR_TEXT_PX / text_h
    # A panel or page is measured on a window about its middle, at most _BLUR_WINDOW px a side once
    # scaled: blur is much the same across a picture, and a whole page scaled up to 24 px text
    # would take a gigabyte.
    side = max(1, int(_BLUR_WINDOW / f))
    h, w = grey.shape[:2]
    y0, x0 = max(0, (h - side) // 2), max(0, (w - side) // 2)
    grey = grey[y0:y0 + side, x0:x0 + side]
    size = (max(2, round(grey.shape[1] * f)), max(2, round(grey.shape[0] * f)))
    g = cv2.resize(grey, size, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC).astype(np.float32)
    contrast = float(np.percentile(g, 98) - np.percentile(g, 2))
    if contrast < 20:
        return None  # no text to speak of
    # One direction at a time: four window-sized float images at once would be 45 MB on a page.
    widths = [contrast / max(1e-3, float(np.percentile(np.abs(a - b) / k, 99)))
              for a, b, k in ((g[:, 1:], g[:, :-1], 1.0), (g[1:, :], g[:-1, :], 1.0),
                              (g[1:, 1:], g[:-1, :-1], np.sqrt(2)), (g[1:, :-1], g[:-1, 1:], np.sqrt(2)))]
    return (2 * max(widths) - min(widths)) / _BLUR_TEXT_PX


def _glare(grey: np.ndarray, page: np.ndarray) -> float:
    """Share of blown-out pixels where the codes are, counted only when the paper there is not
    white itself, nor the page's paper (a clean render has no glare; nor have the white gaps
    between a panel's dark cells, the brightest thing in a panel that is otherwise dark)."""
    if percentile_u8(grey, 60) >= 235 or percentile_u8(page[::4, ::4], 60) >= 250:
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
    if q.blur is not None and q.blur >= BLUR_LIMIT:
        advice.append("The picture looks blurred: hold the phone still, let it focus, and take the photo again.")
    if q.brightness is not None and q.brightness < DARK_LIMIT:
        advice.append("The picture is too dark: turn on a light or move near a window.")
    if q.shadow is not None and q.shadow >= SHADOW_LIMIT:
        advice.append("A shadow falls on the codes: hold the phone so neither it nor your hand blocks the light.")
    if q.glare_fraction is not None and q.glare_fraction > GLARE_LIMIT:
        advice.append("There is glare on the codes: tilt the letter or the phone so no light reflects off it.")
    missing = [f for f in FIELD_NAMES if result.field(f).value is None]
    garbled = [f for f in FIELD_NAMES if f not in missing and _mostly_doubtful(result.field(f))]
    if len(missing) == len(FIELD_NAMES):
        advice.append("No codes were found: make sure the whole box with the Linkage Key, ODS code and Account ID is in the picture.")
    elif missing and not advice:
        # Nothing measured explains it (a far photo's small, soft type; a label too blurred to
        # read): the person still needs to hear what to do.
        names = " and ".join(FIELD_TEXT[f] for f in missing)
        advice.append(f"The {names} could not be read: take the photo again closer, with the codes sharp, "
                      "well lit and all in the picture.")
    elif garbled and not advice:
        # Read, but a good part of it only as a guess (small, soft type in a low-resolution scan
        # or a far photo): checking that many characters is harder than taking the picture again.
        names = " and ".join(FIELD_TEXT[f] for f in garbled)
        advice.append(f"Many characters of the {names} are hard to read: take the photo (or scan) again closer "
                      "and sharper, or check every character against the letter.")
    return advice


#: A field with at least this share of its characters in doubt (and at least three) was more
#: guessed than read.
GARBLED_SHARE = 0.34


def _mostly_doubtful(field: CodeField) -> bool:
    """At least three characters in doubt, and at least ``GARBLED_SHARE`` of them."""
    n = len(field.value or "")
    doubtful = len({u.index for u in field.uncertain})
    return n > 0 and doubtful >= 3 and doubtful >= GARBLED_SHARE * n
