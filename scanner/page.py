"""Stage 2 - page: find the sheet of paper in a photo and flatten it.

Detection runs on a small copy (long side ~900 px), so its cost does not grow
with the camera's megapixels; only the final perspective warp touches the full
image.  When no clear page outline is found (flatbed scans, screenshots,
close-ups of the code panel) the whole image is the page.  Light text on a dark
ground is recognised here too: a dark-mode screenshot, which the pipeline reads
inverted (``light_text_ratio``), and a reversed-out code box in a printed letter,
which it reads with that box alone inverted (``reversed_panels``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from .enhance import estimate_text_height, percentile_u8

DETECT_LONG_SIDE = 900
#: A4 is 1:1.414; accept a range wide enough for US letter, curl and crops.
_MIN_AREA_FRACTION = 0.06
#: Below this share of the picture a bright quadrilateral must also stand out from what surrounds
#: it: a small page on a table does, a ruled box on a white page does not.
_SMALL_PAGE_FRACTION = 0.18
#: The opening's disc spans this share of the picture's short side: wider than a tablecloth's
#: checks, narrower than a sheet.
OPENING_SHARE = 0.09
#: An outline this full of paper (and of a plausible shape) is taken as it is.
CONVINCING_PAPER = 0.95
#: An outline less paper than this is no sheet: a close-up's table of dark cells, its edges the
#: strongest in a picture the sheet fills, was taken for it (10 % paper) and the labels beside it
#: left out.  Of the 527 outlines found on the samples and 16 generated seeds, every other one
#: is 73 % paper or more.
SHEET_PAPER = 0.5
#: Candidate outlines this much less full of paper than the fullest still compete on size.
PAPER_SHARE_SLACK = 0.03


@dataclass
class Page:
    """A flattened page and the map back to the loaded image."""

    image: np.ndarray  # grey uint8, rectified
    to_source: np.ndarray  # 3x3 homography: page pixel -> loaded-image pixel
    found_outline: bool
    quad: np.ndarray | None  # 4x2 corners in loaded-image pixels (tl, tr, br, bl)


def to_grey(image: np.ndarray) -> np.ndarray:
    """Grey uint8 copy of a BGR or grey image (no copy when already grey)."""
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _thinned(grey: np.ndarray) -> np.ndarray:
    """Every other (third ...) pixel of a picture over 3,200 px, before an area resize: a 12 MP
    photo's resize to ~800 px then costs 1 ms, not 7."""
    step = max(1, max(grey.shape) // 1600)
    return grey[::step, ::step]


def _shrunk(grey: np.ndarray, long_side: float) -> np.ndarray:
    """``grey`` area-resized to at most ``long_side`` px on its longer side (as it is when smaller)."""
    h, w = grey.shape
    f = min(1.0, long_side / max(h, w, 1))
    return cv2.resize(grey, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA) if f < 1 else grey


def _order_corners(pts: np.ndarray) -> np.ndarray:
    pts = pts.reshape(4, 2).astype(np.float32)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise from the top-left-ish (image y points down)
    start = int(np.argmin(pts.sum(axis=1)))
    return np.roll(pts, -start, axis=0)


def _largest_outline(mask: np.ndarray, chain: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The mask's largest outer contour and its convex hull, or None when it is too small for a page."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, chain)
    if not contours:
        return None
    h, w = mask.shape
    best = max(contours, key=cv2.contourArea)
    if cv2.contourArea(best) < _MIN_AREA_FRACTION * h * w:
        return None
    return best, cv2.convexHull(best)


def _four_corners(hull: np.ndarray, tolerances: tuple[float, ...]) -> np.ndarray | None:
    """The hull simplified to four corners (ordered), at the first tolerance (a share of its
    perimeter) that gives four; None when none does."""
    peri = cv2.arcLength(hull, True)
    for eps in tolerances:
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            return _order_corners(approx)
    return None


def _quad_from_mask(mask: np.ndarray) -> np.ndarray | None:
    outline = _largest_outline(mask, cv2.CHAIN_APPROX_SIMPLE)
    if outline is None:
        return None
    best, hull = outline
    quad = _four_corners(hull, (0.01, 0.02, 0.03, 0.05, 0.08))
    if quad is not None:
        return quad
    # A curled or partly hidden page: the minimum-area rectangle still frames it.
    rect = cv2.minAreaRect(hull)
    if cv2.contourArea(best) / max(1.0, rect[1][0] * rect[1][1]) > 0.85:
        return _order_corners(cv2.boxPoints(rect))
    return None


def _edges_touched(quad: np.ndarray, w: int, h: int, margin_frac: float) -> int:
    """How many edges of a w x h picture the quadrilateral runs along."""
    margin = margin_frac * max(w, h)
    xs, ys = quad[:, 0], quad[:, 1]
    return int(xs.min() < margin) + int(ys.min() < margin) + int(xs.max() > w - margin) + int(ys.max() > h - margin)


def _touches_all_borders(quad: np.ndarray, w: int, h: int) -> bool:
    return _edges_touched(quad, w, h, 0.02) == 4


def borders_touched(page: Page, width: int, height: int) -> int:
    """How many edges of the picture the page's outline runs along (a sheet cut by the frame)."""
    return 0 if page.quad is None else _edges_touched(page.quad, width, height, 0.03)


#: A whole sheet's outline is at most this many times as long as it is wide: A4 (1.41) seen at 40
#: degrees of tilt is 1.84, at 60 degrees 2.8.  Longer is a card, a cell or a band on the sheet.
SHEET_ASPECT = 3.0


def band_like(page: Page) -> bool:
    """Is the outline found longer than any sheet (``SHEET_ASPECT``)?  In a close-up such an
    outline is a box on the sheet: the code panel (whose flattening serves well) or another."""
    if page.quad is None:
        return False
    q = page.quad.astype(np.float64)
    side = [float(np.linalg.norm(q[(k + 1) % 4] - q[k])) for k in range(4)]
    along, across = side[0] + side[2], side[1] + side[3]
    return max(along, across) > SHEET_ASPECT * max(1e-6, min(along, across))


def _brighter_than_surroundings(grey: np.ndarray, quad: np.ndarray) -> bool:
    """Paper on a table is clearly brighter than a band just outside its edges."""
    inside = np.zeros(grey.shape, np.uint8)
    cv2.fillPoly(inside, [quad.astype(np.int32)], 255)
    k = max(5, int(0.03 * max(grey.shape)))
    ring = cv2.subtract(cv2.dilate(inside, np.ones((k, k), np.uint8)), inside)
    if not ring.any() or not inside.any():
        return False
    return float(np.median(grey[inside > 0])) - float(np.median(grey[ring > 0])) > 40


def _paper_mask(blur: np.ndarray, near_lightest: bool = False) -> np.ndarray:
    """Bright pixels (Otsu), with the text holes closed: the paper, and whatever else is as bright.
    ``near_lightest``: instead those within ``NEAR_PAPER`` grey levels of the lightest tenth (in
    a neutralised picture, where a dark box on the sheet and a cloth's darkened squares make three
    levels, and Otsu split the darkest from the rest)."""
    if near_lightest:
        level = percentile_u8(blur, 90) - NEAR_PAPER
        bright = np.where(blur > level, 255, 0).astype(np.uint8)
    else:
        _, bright = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return cv2.morphologyEx(bright, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))


def _open_by_disc(mask: np.ndarray, radius: float) -> np.ndarray:
    """Morphological opening by a disc, from two distance transforms (a 60 px structuring
    element costs ten times more): what remains where a disc of ``radius`` fits."""
    core = (cv2.distanceTransform(mask, cv2.DIST_L2, 3) > radius).astype(np.uint8)
    return np.where(cv2.distanceTransform(1 - core, cv2.DIST_L2, 3) <= radius, 255, 0).astype(np.uint8)


def _corners_from_sides(contour: np.ndarray, corners: np.ndarray) -> np.ndarray | None:
    """Corners where the lines fitted through the middle of each side of ``contour`` meet: the
    opening rounds a page's corners off, its sides stay straight."""
    pts = contour.reshape(-1, 2).astype(np.float32)
    lines = []
    for k in range(4):
        a, b = corners[k], corners[(k + 1) % 4]
        length = float(np.linalg.norm(b - a))
        if length < 10:
            return None
        along = (b - a) / length
        normal = np.array([-along[1], along[0]], np.float32)
        t, off = (pts - a) @ along, np.abs((pts - a) @ normal)
        side = pts[(t > 0.2 * length) & (t < 0.8 * length) & (off < 0.05 * length + 3)]
        if len(side) < 5:
            return None
        vx, vy, x0, y0 = cv2.fitLine(side, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0]), np.array([vx, vy])))
    out = []
    for k in range(4):
        (p1, d1), (p2, d2) = lines[k - 1], lines[k]
        a = np.array([d1, -d2]).T
        if abs(np.linalg.det(a)) < 1e-6:
            return None
        out.append(p1 + np.linalg.solve(a, p2 - p1)[0] * d1)
    return _order_corners(np.array(out, np.float32))


def _quad_by_opening(paper: np.ndarray) -> np.ndarray | None:
    """The page on a patterned surface (a checked tablecloth): the bright squares of the pattern
    touch the paper's edges and each other, and the bright region is no quadrilateral.  Opened
    by a disc wider than such squares and narrower than a page, only the paper is left."""
    h, w = paper.shape
    opened = _open_by_disc((paper > 0).astype(np.uint8), OPENING_SHARE * min(h, w) / 2)
    outline = _largest_outline(opened, cv2.CHAIN_APPROX_NONE)  # every point: the sides are fitted
    if outline is None:
        return None
    best, hull = outline
    corners = _four_corners(hull, (0.02, 0.03, 0.05, 0.08))
    return None if corners is None else _corners_from_sides(best, corners)


def _plausible(quad: np.ndarray, w: int, h: int) -> bool:
    """A sheet seen at up to ~40 degrees of tilt: every corner's angle within 50-130 degrees, and
    every corner within the picture (give or take 5 %)."""
    q = quad.astype(np.float64)
    for k in range(4):
        u, v = q[k - 1] - q[k], q[(k + 1) % 4] - q[k]
        if abs(u @ v) > np.cos(np.deg2rad(50)) * np.linalg.norm(u) * np.linalg.norm(v):
            return False
    m = 0.05 * max(w, h)
    return bool((q[:, 0] > -m).all() and (q[:, 0] < w + m).all() and (q[:, 1] > -m).all() and (q[:, 1] < h + m).all())


def _paper_share(paper: np.ndarray, quad: np.ndarray | None) -> float:
    """How much of the quadrilateral is bright like paper (a quad that takes in the table is less;
    no quad, none)."""
    if quad is None:
        return 0.0
    inside = np.zeros(paper.shape, np.uint8)
    cv2.fillPoly(inside, [quad.astype(np.int32)], 255)
    sel = inside > 0
    return float((paper[sel] > 0).mean()) if sel.any() else 0.0


def find_page_quad(grey_small: np.ndarray) -> np.ndarray | None:
    """Corners of the paper, or None (``_quad_and_paper``)."""
    return _quad_and_paper(grey_small)[0]


def _quad_and_paper(grey_small: np.ndarray, near_lightest: bool = False) -> tuple[np.ndarray | None, np.ndarray]:
    """Corners of the paper, or None, and the paper mask (``_paper_mask``) they were judged by.  The larger of the bright region's outline and the outer
    edge contour, when it is convincingly paper (``CONVINCING_PAPER``) and of a plausible shape.
    Otherwise (a patterned table's bright squares run into the sheet's outline) the bright region
    opened so they fall away (``_quad_by_opening``) competes too: of the plausible outlines, those
    nearly as full of paper as the fullest (``PAPER_SHARE_SLACK``) compete on size, the largest
    winning (a quad that takes in the table is less full of paper, one that cuts the sheet short
    is smaller).  (The opened outline first, even beside a convincing one, found the sheet on
    more tablecloths but cut the dark header band off letters and screenshots, slanting their
    top edge.)"""
    h, w = grey_small.shape
    blur = cv2.GaussianBlur(grey_small, (5, 5), 0)
    paper = _paper_mask(blur, near_lightest)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
    candidates = [_quad_from_mask(cv2.morphologyEx(paper, cv2.MORPH_OPEN, kernel))]
    edges = cv2.Canny(blur, 40, 120)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    filled = np.zeros_like(edges)
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if contours:
        cv2.drawContours(filled, [max(contours, key=cv2.contourArea)], -1, 255, cv2.FILLED)
        candidates.append(_quad_from_mask(filled))
    found = []
    for quad in candidates:
        if quad is None or _touches_all_borders(quad, w, h):
            continue
        area = cv2.contourArea(quad.astype(np.float32))
        if area < _SMALL_PAGE_FRACTION * h * w and not _brighter_than_surroundings(blur, quad):
            continue
        found.append((_paper_share(paper, quad), area, quad))
    largest = max(found, key=lambda c: c[1]) if found else None
    if largest is not None and largest[0] >= CONVINCING_PAPER and _plausible(largest[2], w, h):
        return largest[2], paper
    opened = _quad_by_opening(paper)
    if opened is not None:
        # Running along two edges of the picture, the opened outline may have taken in a patterned
        # table up to them; not when it is convincingly paper (a sheet at ~45 degrees whose
        # corners the frame cuts: 98.5 % paper, read nowhere else, on a tablecloth).
        share = _paper_share(paper, opened)
        touched = _edges_touched(opened, w, h, 0.02)
        if touched <= 1 or (touched == 2 and share >= CONVINCING_PAPER):
            found.append((share, cv2.contourArea(opened.astype(np.float32)), opened))
    found = [c for c in found if _plausible(c[2], w, h) and c[0] >= SHEET_PAPER]
    if not found:
        return None, paper
    fullest = max(share for share, _, _ in found)
    return max((c for c in found if c[0] >= fullest - PAPER_SHARE_SLACK), key=lambda c: c[1])[2], paper


#: A picture whose outline is in doubt in grey is looked at in colour when this share of it is
#: clearly more colourful than its paper (a checked tablecloth whose pale squares are as light
#: as the sheet: the outline ran out into them), ...
COLOURFUL_SHARE = 0.15
#: ... clearly being this much more chroma (0-255) than the lightest tenth of the picture has.
CLEARLY_COLOURED = 20
#: The neutralised picture is darker by this many grey levels per level of chroma above the paper's.
CHROMA_WEIGHT = 3.0
#: The outline found in colour wins when this much more of it is paper (in the neutralised
#: picture) than of the outline found in grey, and at least ``COLOUR_MIN_PAPER`` of it is.
COLOUR_GAIN = 0.05
COLOUR_MIN_PAPER = 0.8
#: In the neutralised picture, the paper is what is within this many grey levels of its lightest tenth.
NEAR_PAPER = 40
#: An outline found in grey is beyond doubt when this much of it is paper and it runs along at
#: most one edge of the picture.  (A sheet on the sample generator's checked cloth, its outline
#: run out 6-9 % of the picture into the cloth's light squares, is 97-99 % paper; of the photos
#: of the samples and three generated seeds, half are 99 % paper or more.)
BEYOND_DOUBT = 0.99


def _neutralised(grey_small: np.ndarray, chroma: np.ndarray) -> np.ndarray | None:
    """``grey_small`` darkened where it is more colourful than the paper (the lightest tenth of
    the picture), so that a coloured table's light squares no longer look like paper; None when
    too little of the picture is clearly coloured for that to matter."""
    h, w = grey_small.shape
    excess = cv2.resize(chroma, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    excess -= float(np.median(excess[grey_small >= np.percentile(grey_small, 90)]))
    np.maximum(excess, 0, out=excess)
    if float((excess > CLEARLY_COLOURED).mean()) < COLOURFUL_SHARE:
        return None
    return np.clip(grey_small - CHROMA_WEIGHT * excess, 0, 255).astype(np.uint8)


#: A picture's flat parts (``_quad_by_flatness``): grey levels varying less than this (standard
#: deviation, 0-255) over a window of FLAT_WINDOW of the picture's long side.
FLAT_STD = 12.0
FLAT_WINDOW = 0.025
#: How much of the picture the flat outline must cover, and of the outline must be flat.
FLAT_MIN_AREA = _SMALL_PAGE_FRACTION
FLAT_MIN_SHARE = 0.9


def _quad_by_flatness(grey_small: np.ndarray) -> np.ndarray | None:
    """The sheet as the largest flat part of the picture, its print's holes filled: on a checked
    tablecloth whose squares are as light as the sheet, and lit unevenly, brightness tells the two
    apart nowhere, but a window a few squares wide always takes in the cloth's edges, never the
    sheet's margins.  Kept only when plausible, clear of the picture's edges (at most one) and
    large (``sheet_by_flatness``)."""
    h, w = grey_small.shape
    f = cv2.GaussianBlur(grey_small, (3, 3), 0).astype(np.float32)
    k = max(9, int(FLAT_WINDOW * max(h, w)) | 1)
    mean = cv2.blur(f, (k, k))
    std = np.sqrt(np.maximum(cv2.blur(f * f, (k, k)) - mean * mean, 0))
    flat = np.where(std < FLAT_STD, 255, 0).astype(np.uint8)
    flat = cv2.morphologyEx(flat, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    contours, _ = cv2.findContours(flat, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(flat)
    cv2.drawContours(filled, contours, -1, 255, cv2.FILLED)
    quad = _quad_by_opening(filled)
    if quad is None or not _plausible(quad, w, h) or _edges_touched(quad, w, h, 0.02) > 1 \
            or cv2.contourArea(quad.astype(np.float32)) < FLAT_MIN_AREA * h * w \
            or _paper_share(filled, quad) < FLAT_MIN_SHARE:
        return None
    return quad


#: An outline's edge inside the picture is a sheet's edge (or a box's rule) when at least this share
#: of it runs along an edge in the picture (Canny, as ``_quad_and_paper`` finds them, give or take
#: ``EDGE_SLACK`` of the picture's long side).
EDGE_SUPPORT = 0.1
EDGE_SLACK = 0.003
#: Edges this close to the picture's (share of its long side) run along the frame, where a sheet
#: cut by it has no edge of its own.
FRAME_MARGIN = 0.02


def _inner_edge_support(grey_small: np.ndarray, quad: np.ndarray) -> list[float]:
    """For each edge of the outline clear of the picture's frame, the share of it that runs along
    an edge in the picture."""
    h, w = grey_small.shape
    blur = cv2.GaussianBlur(grey_small, (5, 5), 0)
    k = 2 * max(1, round(EDGE_SLACK * max(h, w))) + 1
    edges = cv2.dilate(cv2.Canny(blur, 40, 120), np.ones((k, k), np.uint8))
    m = FRAME_MARGIN * max(w, h)

    def sides(p: np.ndarray) -> tuple[bool, ...]:
        return p[0] < m, p[1] < m, p[0] > w - m, p[1] > h - m

    out = []
    for a, b in zip(quad, np.roll(quad, -1, axis=0)):
        if any(x and y for x, y in zip(sides(a), sides(b))):
            continue  # along the frame
        pts = [a + t * (b - a) for t in np.linspace(0.05, 0.95, 60)]
        on = [bool(edges[int(y), int(x)]) for x, y in pts if 0 <= x < w and 0 <= y < h]
        if on:
            out.append(float(np.mean(on)))
    return out


def _edged(grey_small: np.ndarray, quad: np.ndarray) -> bool:
    """Does anything in the picture stand where the outline leaves the frame?  A flatbed scan's
    paper fills the picture and its lid's light falls off towards a corner: the brighter part's
    outline ran across the page where nothing is drawn (seed 123's scanned email: its key warped
    3 degrees askew, read `7QqsAxRB59e6T` for `ZQqsAxRB59e6T`).  A sheet's edge on a table, a box's
    rule or a curled edge's shadow all leave edges along some of it."""
    support = _inner_edge_support(grey_small, quad)
    return not support or max(support) >= EDGE_SUPPORT


def page_quad(grey_small: np.ndarray, chroma: Callable[[], np.ndarray | None] | None = None) -> np.ndarray | None:
    """``find_page_quad``, and where its outline is in doubt (not convincingly paper, or running
    along two edges of the picture) and the picture is colourful, ``find_page_quad`` again on the
    picture neutralised (``_neutralised``): on a checked tablecloth whose light squares are as
    light as the sheet, the outline in grey takes in the table or is not found (six letters of
    the independent generator's seeds lost all their codes so).  The outline in colour wins only
    when it is clearly more paper: a letter's coloured banner is dark in the neutralised picture,
    and a sheet found in grey keeps it."""
    h, w = grey_small.shape
    quad, paper = _quad_and_paper(grey_small)
    if chroma is None or (_paper_share(paper, quad) >= BEYOND_DOUBT and _edges_touched(quad, w, h, 0.02) <= 1):
        return quad
    colour = chroma()
    neutral = None if colour is None else _neutralised(grey_small, colour)
    if neutral is None:
        return quad
    for near_lightest in (False, True):
        # Paper as the brighter of two levels first (Otsu: side light leaves the sheet's far side
        # darker than its near side); where that finds no outline clear of the picture's edges,
        # paper as what is near the lightest (a sheet with a navy code box on a green gingham
        # whose white checks stay light when neutralised: Otsu split the box and the dark checks
        # from the rest, sheet and cloth together).
        found, neutral_paper = _quad_and_paper(neutral, near_lightest)
        if found is not None and _edges_touched(found, w, h, 0.02) <= 1:
            share = _paper_share(neutral_paper, found)
            return found if share >= COLOUR_MIN_PAPER and share >= _paper_share(neutral_paper, quad) + COLOUR_GAIN \
                else quad
    return quad


def _rectify(image: np.ndarray, quad: np.ndarray, max_width: int) -> tuple[np.ndarray, np.ndarray]:
    tl, tr, br, bl = quad
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    scale = min(1.0, max_width / max(width, 1.0)) if width >= height else min(1.0, max_width / max(height, 1.0))
    out_w, out_h = max(8, int(round(width * scale))), max(8, int(round(height * scale)))
    dst = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    warped = cv2.warpPerspective(image, m, (out_w, out_h), flags=cv2.INTER_AREA if scale < 0.7 else cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_REPLICATE)
    return warped, np.linalg.inv(m)


def skew_angle(grey: np.ndarray) -> float:
    """Angle (degrees, counter-clockwise, within +-45) that makes the text lines run straight
    across or straight up and down (quarter turns are decided later, from the text itself).

    Text lines give sharp peaks in the row sums of the ink when they run straight across: the
    angle with the most contrasted row profile wins (coarse search over every direction, then
    fine).  Only character-sized blobs count, so a patterned table or a ruled border does not."""
    h, w = grey.shape
    f = 600.0 / max(h, w)
    small = cv2.resize(grey, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 10)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < 6:
        return 0.0
    hs, ws, areas = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_AREA]
    sized = hs[(hs >= 2) & (hs < small.shape[0] / 10)]
    glyph = float(np.median(sized)) if sized.size else 3.0
    keep = np.zeros(n, bool)
    keep[1:] = (hs >= 2) & (hs <= 3 * glyph) & (ws <= 6 * glyph) & (areas >= 3)
    ys, xs = np.nonzero(keep[labels])
    height = small.shape[0]
    xs = xs.astype(np.float32) - small.shape[1] / 2
    ys = ys.astype(np.float32) - height / 2

    def sharpness(angle: float) -> float:
        # Row sums of the ink turned by ``angle`` about the centre (as cv2.getRotationMatrix2D turns
        # it), from the ink pixels' coordinates: each pixel shared between the two rows it falls
        # between, or the lattice of pixel centres aliases into false peaks at 45 degrees.
        a = np.deg2rad(angle)
        r = (np.cos(a) * ys - np.sin(a) * xs) + height / 2
        lo = np.floor(r)
        frac = r - lo
        lo = lo.astype(np.int64)
        inside = (lo >= 0) & (lo < height - 1)
        lo, frac = lo[inside], frac[inside]
        rows = np.bincount(lo, 1 - frac, height) + np.bincount(lo + 1, frac, height)
        return float(np.var(np.diff(rows)))

    # The peak is narrow: a 6-degree first search missed it on 100 of 360 close-up-like crops of
    # the clean samples turned 4-37 degrees (52 of them by 5 degrees or more); 2-degree steps found
    # every one within a degree, for about 6 ms more a page.
    best = max(np.arange(-89.0, 91.0, 2.0), key=sharpness)
    best = max(np.arange(best - 1.0, best + 1.01, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.51, 0.25), key=sharpness)
    return float(best - 90.0 * round(best / 90.0))


def deskew(page: Page, min_angle: float = 1.0, max_angle: float = 45.0) -> Page:
    """Rotate a page so its text lines are horizontal (a flattened page keeps a small residual
    skew when a corner of its outline was hidden or curled)."""
    angle = skew_angle(page.image)
    if abs(angle) < min_angle or abs(angle) > max_angle:
        return page
    h, w = page.image.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    rotated = cv2.warpAffine(page.image, m, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    forward = np.vstack([m, [0, 0, 1]])
    return Page(image=rotated, to_source=page.to_source @ np.linalg.inv(forward), found_outline=page.found_outline,
                quad=page.quad)


#: Text measured at least this much light-on-dark (``light_text_ratio``) is read inverted first:
#: on 945 pictures (the samples and 14 generated seeds) dark-on-light print measured 0.01-0.98, the
#: same pictures inverted 1.02-147 (their clean renders, as a dark-mode screenshot shows a letter,
#: 3.2 and up).  Between 1 and this, the picture is read as it is first, and inverted only if a
#: code is still missing.
LIGHT_TEXT_SURE = 2.0
LIGHT_TEXT_MAYBE = 1.0


def light_text_ratio(image: np.ndarray) -> float:
    """How much more the text looks like light ink on a dark ground than dark ink on a light one.

    A dark-mode screenshot of an emailed letter, or a photo of a phone showing one, has light
    letters on black; every later stage expects dark ink on paper.  Character-sized blobs are
    counted among the pixels clearly darker than their surroundings and among those clearly
    lighter: the ink gives one blob a character, the ground only the counters inside letters
    (fewer) and one large region.  Returns lighter blobs over darker ones (below 1: dark ink; 0
    when nine tenths of the picture are light, which only a light ground gives)."""
    grey = _thinned(to_grey(image))
    if float(np.percentile(grey[::8, ::8], 10)) >= 128:
        # Nine tenths of the picture light: a light ground, so dark print (every clean render and
        # scan of the samples and 14 seeds, 99 of 120 close-ups; none of them inverted), and the
        # blob counts' 4 ms are spared.
        return 0.0
    small = _shrunk(grey, 800)
    if min(small.shape) < 16:
        return 0.0
    counts = []
    for kind, c in ((cv2.THRESH_BINARY_INV, 15), (cv2.THRESH_BINARY, -15)):
        mask = cv2.adaptiveThreshold(small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, kind, 31, c)
        _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        bh, bw = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
        counts.append(int(((bh >= 5) & (bh <= small.shape[0] / 12) & (bw >= 2) & (bw <= 2.5 * bh)).sum()))
    return counts[1] / max(1, counts[0])


#: Ground darker than one of these shares of the paper's is dark: white type on NHS blue (grey ~76) or
#: on a lighter blue (grey ~152: 0.63 of white paper, 0.69 of a scan's greyer paper) counts.  Each
#: level is tried: at the higher one a dark box in a photo can run into a dimmer surround (that
#: alone found 82 of 90 dark panels where the lower level found 88).
REVERSED_DARK_LEVELS = (0.6, 0.75)
#: A dark region counts as a reversed-out panel when it holds at least this many light text blobs
#: (letters, or words where the light type has bled together): a panel of three codes has six or
#: more, with its labels a dozen or more.
REVERSED_MIN_BLOBS = 6
#: ... and fills this much of its smallest enclosing rectangle: a printed panel is a rectangle even
#: in a tilted photo (0.89-1.0 on the samples' shaded panels reversed out), the table around a
#: photographed page is not (at most 0.75 on the samples' 64 pictures).
REVERSED_MIN_FILL = 0.8
#: ... and has no hole to speak of (the type inside a panel is gone from the ground): the dark desk
#: around a photographed page fills its frame's rectangle well enough, but has the page as a hole
#: (0.81-0.86 of it filled, where the panels measured 1.0).
REVERSED_MIN_SOLID = 0.97
#: ... and is at most this much longer than wide: such panels measured 1.3-4.8 (six seeds' reversed
#: out), a letterhead's banner across the page 11.2-14.5 (the samples and four seeds), and reading a
#: letter without codes again because of its banner cost a second.
REVERSED_MAX_ASPECT = 10.0
#: The long side the picture is looked at for them, and for a caller still missing codes
#: (``fine``) whose type would be less than ``REVERSED_TINY_TYPE`` px high at the first size, again
#: at twice it: on a sheet small in the frame such type is gone in the shrinking (seed 52's photo:
#: type 2.9 px high at 800, a table's four dark value cells found at 1,200 px and up, not at 800).
#: The second look costs 0.1-0.8 s on a 4-12 MP photo: a letter without codes whose type is larger
#: (six of the samples' eight: 6.2 px and up; 4.6 and 4.9 px for the other two) is spared it.  At
#: 4.0 px, seed 62's photo (a sheet a sixth of a 12 MP frame, its six dark value cells' light type
#: 4.7 px at 800 px, broken into specks) lost its ODS code and account ID.
REVERSED_SIZES, REVERSED_TINY_TYPE = (800, 1600), 5.0
#: A box the ground's median joined from several (a table's dark value cells a thin light rule apart)
#: is drawn again as its parts: every part at least this share of the largest one's area, so that a
#: short code's cell beside a long one's stays, while a glyph of the dark type beside the box does not.
REDRAWN_PART_SHARE = 0.2


def reversed_panels(image: np.ndarray, fine: bool = False, type_height: float | None = None) -> np.ndarray | None:
    """Where the picture has reversed-out panels (light type on a dark box, such as white on NHS
    blue): a boolean mask the size of ``image``, or None when it has none.

    Inverting the whole picture (``light_text_ratio``) suits a dark-mode screenshot, not a letter
    whose code box alone is dark.  The ground is the median of a window wider than a stroke (the
    type goes, the box stays); dark ground that holds light text blobs and is shaped like a solid
    rectangle, not a banner, is taken as a panel.  ``fine``: when none is found so, look again with
    a window half as wide (for a caller still missing codes; ~10 ms more), and where the text is
    ``type_height`` px high in ``image``, tiny at the first size, at twice the size too
    (``REVERSED_SIZES``)."""
    grey = to_grey(image)
    h, w = grey.shape
    thinned = _thinned(grey)
    tiny = type_height is not None and type_height * REVERSED_SIZES[0] / max(h, w) < REVERSED_TINY_TYPE
    for size in REVERSED_SIZES if fine and tiny else REVERSED_SIZES[:1]:
        small = _shrunk(thinned, size)
        if min(small.shape) < 64:
            return None
        # The ground from a half-size copy: a third of the time, within a grey level of the full one.
        half = cv2.resize(small, (small.shape[1] // 2, small.shape[0] // 2), interpolation=cv2.INTER_AREA)
        window = 2 * (max(half.shape) // 50) + 1
        drawn = _reversed_in(small, half, window)
        if drawn is None and fine:
            # A sheet small in the frame has its panel narrower than the window, which then rounds the
            # panel off (seed 38's photo: three dark cells 55 px across at this scale, a pill-shaped
            # ground): the ground again from a window half as wide (still wider than the small type).
            drawn = _reversed_in(small, half, window // 2 | 1)
        if drawn is not None:
            return cv2.resize(drawn, (w, h), interpolation=cv2.INTER_NEAREST).astype(bool)
        if max(small.shape) >= max(h, w):
            break  # the picture is no larger than this
    return None


def _reversed_in(small: np.ndarray, half: np.ndarray, window: int) -> np.ndarray | None:
    """``reversed_panels`` on ``small`` (its half-size copy ``half``), its ground the median of
    ``window`` px of ``half``: the boxes' mask at ``small``'s size, or None."""
    ground = cv2.resize(cv2.medianBlur(half, window), (small.shape[1], small.shape[0]), interpolation=cv2.INTER_LINEAR)
    paper = float(np.percentile(ground[::4, ::4], 95))
    light = ((small.astype(np.int16) - ground) > 40).astype(np.uint8)
    _, _, blobs, centres = cv2.connectedComponentsWithStats(light, connectivity=8)
    bh, bw = blobs[1:, cv2.CC_STAT_HEIGHT], blobs[1:, cv2.CC_STAT_WIDTH]
    text_like = (bh >= 3) & (bh <= small.shape[0] / 12) & (bw >= 2) & (bw <= 25 * bh)
    cx = np.clip(centres[1:, 0][text_like].astype(int), 0, small.shape[1] - 1)
    cy = np.clip(centres[1:, 1][text_like].astype(int), 0, small.shape[0] - 1)
    found = np.zeros(small.shape, bool)
    for level in REVERSED_DARK_LEVELS:
        found |= _solid_boxes_with_text(ground < level * paper, cx, cy)
    if not found.any():
        return None
    drawn = _redrawn(found, small, ground, paper, window)
    return drawn if drawn.any() else None


def _redrawn(found: np.ndarray, small: np.ndarray, ground: np.ndarray, paper: float, window: int) -> np.ndarray:
    """Each box of ``found`` drawn again from the picture's own pixels: those darker than halfway
    between the box's ground and the paper, within ``window`` of it, its large parts
    (``REDRAWN_PART_SHARE``) with their holes (the type) filled.  The median ground rounds a box's
    corners off, and a level far from the box's own ground puts its edge out in the blur around
    it; a corner left dark beside a code is read as part of it."""
    n, boxes = cv2.connectedComponents(found.astype(np.uint8))
    drawn = np.zeros(small.shape, np.uint8)
    for i in range(1, n):
        box = boxes == i
        halfway = (float(np.median(ground[box])) + paper) / 2
        near = cv2.dilate(box.astype(np.uint8), np.ones((2 * window + 1, 2 * window + 1), np.uint8)).astype(bool)
        parts, labels, stats, _ = cv2.connectedComponentsWithStats((near & (small < halfway)).astype(np.uint8))
        if parts < 2:
            continue
        areas = stats[1:, cv2.CC_STAT_AREA]
        big = 1 + np.flatnonzero(areas >= REDRAWN_PART_SHARE * areas.max())
        outline, _ = cv2.findContours(np.isin(labels, big).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.drawContours(drawn, outline, -1, 1, -1)
    return drawn


def _solid_boxes_with_text(dark: np.ndarray, cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
    """The regions of ``dark`` that hold enough of the text blobs centred at (``cx``, ``cy``) and
    are shaped like a solid panel (see ``reversed_panels``)."""
    n, regions, stats, _ = cv2.connectedComponentsWithStats(dark.astype(np.uint8), connectivity=8)
    held = np.bincount(regions[cy, cx], minlength=n)
    keep = np.zeros(n, bool)
    for i in np.nonzero(held >= REVERSED_MIN_BLOBS)[0]:
        if i == 0 or stats[i, cv2.CC_STAT_AREA] < 0.002 * dark.size:
            continue
        x, y, bw, bh = stats[i, :4]
        region = (regions[y:y + bh, x:x + bw] == i).astype(np.uint8)
        (_, _), (rw, rh), _ = cv2.minAreaRect(cv2.findNonZero(region))
        outline, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        solid = cv2.drawContours(np.zeros_like(region), outline, -1, 1, -1)
        area = stats[i, cv2.CC_STAT_AREA]
        keep[i] = (area >= REVERSED_MIN_FILL * rw * rh and area >= REVERSED_MIN_SOLID * int(solid.sum())
                   and max(rw, rh) <= REVERSED_MAX_ASPECT * max(1.0, min(rw, rh)))
    return keep[regions]


def invert_within(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A grey copy of ``image`` with the pixels under ``mask`` inverted."""
    grey = to_grey(image)
    out = grey.copy()
    out[mask] = 255 - grey[mask]
    return out


def sheet_by_flatness(image: np.ndarray, located: Page) -> np.ndarray | None:
    """The sheet's corners in ``image`` by ``_quad_by_flatness``, where ``locate_page`` (``located``)
    found no outline or one along three edges of the picture (which takes in the table); else
    None.  For a picture whose reading missed codes: two of the independent generator's gingham
    photos (seeds 114-115) lost all their codes so, and found on the flat part, gave all six."""
    h, w = image.shape[:2]
    if located.quad is not None and _edges_touched(located.quad, w, h, 0.02) < 3:
        return None
    small = _shrunk(to_grey(image), DETECT_LONG_SIDE)
    flat = _quad_by_flatness(small)
    return None if flat is None else flat * (w / small.shape[1])


def locate_page(image: np.ndarray, max_width: int = 2600, outline_from: np.ndarray | None = None,
                chroma: Callable[[], np.ndarray | None] | None = None, sheet: np.ndarray | None = None) -> Page:
    """Find and flatten the page; fall back to the whole image.  ``outline_from``: the picture to
    find the sheet's outline in, when ``image`` is a copy of it with its reversed-out boxes
    inverted (``invert_within``): those boxes, then the lightest thing in the picture, were once
    taken for the sheet, and the labels beside them cut off.  ``chroma``: the picture's colour,
    when asked for (``page_quad``).  ``sheet``: the sheet's corners, found already (``sheet_by_flatness``)."""
    grey = to_grey(image)
    if sheet is not None:
        warped, to_source = _rectify(grey, sheet, max_width)
        return deskew(Page(image=warped, to_source=to_source, found_outline=True, quad=sheet), max_angle=25.0)
    small = _shrunk(grey if outline_from is None else to_grey(outline_from), DETECT_LONG_SIDE)
    f = small.shape[1] / grey.shape[1]
    quad = page_quad(small, chroma)
    if quad is not None and not _edged(small, quad):
        quad = None  # the outline of a lighting gradient, no sheet's
    if quad is not None:
        quad_full = quad / f
        warped, to_source = _rectify(grey, quad_full, max_width)
        return deskew(Page(image=warped, to_source=to_source, found_outline=True, quad=quad_full), max_angle=25.0)
    return whole_image(grey, max_width)


#: An outline found once reversed-out boxes were inverted that lies this much within them is the
#: boxes', not the sheet's.
BOXES_NOT_SHEET = 0.5


def locate_page_inverted_within(image: np.ndarray, mask: np.ndarray, original: np.ndarray,
                                chroma: Callable[[], np.ndarray | None] | None = None) -> Page:
    """``locate_page`` on ``image``, a copy of ``original`` with its reversed-out boxes (``mask``)
    inverted.  Inverted, a box can be the lightest, most sheet-like thing in the picture: an
    outline found mostly within the boxes is theirs, and the sheet is then looked for in
    ``original`` (an independent letter's close-up lost its labels, and two codes, to its boxes).
    Otherwise the outline found stands: a dark banner along the sheet's edge, taken for a box and
    inverted, no longer runs the sheet into a dark patterned table around it."""
    page = locate_page(image, chroma=chroma)
    if page.quad is None:
        return page
    step = max(1, max(mask.shape) // 500)
    small = np.ascontiguousarray(mask[::step, ::step]).astype(np.uint8)
    inside = np.zeros_like(small)
    cv2.fillPoly(inside, [np.round(page.quad / step).astype(np.int32)], 1)
    if (inside & small).sum() > BOXES_NOT_SHEET * max(1, int(inside.sum())):
        return locate_page(image, outline_from=original, chroma=chroma)
    return page


def whole_image(image: np.ndarray, max_width: int = 2600) -> Page:
    """The whole image as the page (no outline found, or the one found cut the codes off)."""
    grey = to_grey(image)
    h, w = grey.shape
    s = min(1.0, max_width / max(w, h))
    if s < 1.0:
        grey = cv2.resize(grey, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA)
    to_source = np.diag([1.0 / s, 1.0 / s, 1.0])
    return deskew(Page(image=grey, to_source=to_source, found_outline=False, quad=None))


def rotate_page(page: Page, quarter_turns: int) -> Page:
    """Rotate a page clockwise by 90-degree steps, keeping the map to the source."""
    k = quarter_turns % 4
    if k == 0:
        return page
    h, w = page.image.shape[:2]
    rotated = np.ascontiguousarray(np.rot90(page.image, -k))
    # Map rotated-page pixel -> original page pixel.
    if k == 1:  # clockwise: new (x, y) came from old (y, h-1-x)
        back = np.array([[0, 1, 0], [-1, 0, h - 1], [0, 0, 1]], float)
    elif k == 2:
        back = np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], float)
    else:  # counter-clockwise: new (x, y) came from old (w-1-y, x)
        back = np.array([[0, -1, w - 1], [1, 0, 0], [0, 0, 1]], float)
    return Page(image=rotated, to_source=page.to_source @ back, found_outline=page.found_outline, quad=page.quad)


#: Ascender-over-descender balance beyond which the way up counts as known.  Upright pages of the
#: samples (clean to blurred photos, close-ups) score +0.02 to +0.68, median +0.37; upside down,
#: the same negated.
SURE_UPRIGHT = 0.2
#: A balance this far from even is only a lean: the page is read that way up first, and checked
#: (by reading both ways) if it then reads badly.  On 192 pictures (the samples' and two fresh
#: seeds') every page at 0.07 or more from even leaned the right way (the least, 0.078).
LEAN_UPRIGHT = 0.07
#: Text lines needed before the balance means anything.
_MIN_LINES = 20


def way_up(grey: np.ndarray, text_height: float | None = None) -> tuple[bool | None, bool]:
    """Whether the text lines of a light-evened page lean upright (True) or upside down (False),
    from the ink alone (``ink_balance``), and whether surely (``SURE_UPRIGHT``) or only as a lean
    (``LEAN_UPRIGHT``); (None, False) when too few lines or too even a balance to say."""
    balance = ink_balance(grey, text_height)
    if balance is None or abs(balance) < LEAN_UPRIGHT:
        return None, False
    return balance > 0, abs(balance) >= SURE_UPRIGHT


def ink_balance(grey: np.ndarray, text_height: float | None = None) -> float | None:
    """How much more of the text lines' ink stands above their dense core than hangs below it,
    from -1 to +1 (positive: upright); None when too few lines to say.

    In Latin print ascenders and capitals rise above the x-height band far more often than
    descenders hang below it, so in each line's ink profile more ink lies above the dense core
    than below it; turned over, the reverse.  ``text_height``: the glyph height, when measured
    already.  Costs ~10 ms against ~0.3 s for reading the page both ways up."""
    h, w = grey.shape[:2]
    text_h = text_height or estimate_text_height(grey)
    if not text_h:
        return None
    f = min(1.0, 12.0 / text_h)  # 12 px text is plenty to see the balance
    if f < 1:
        grey = cv2.resize(grey, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
        text_h *= f
    binary = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    hs, ws = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    glyph = (hs >= 0.3 * text_h) & (hs <= 2.0 * text_h) & (ws <= 3 * text_h)  # no rules, pictures, specks
    glyph[0] = False
    ink = glyph[labels].astype(np.float32)
    above = below = 0.0
    lines = 0
    strip = max(8, int(12 * text_h))  # narrow enough that curl and residual skew keep lines apart
    for x0 in range(0, ink.shape[1], strip):
        profile = ink[:, x0:x0 + strip].sum(1)
        edges = np.diff(np.concatenate([[0], (profile > 0.5).astype(np.int8), [0]]))
        for s, e in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
            band = profile[s:e]
            if not 0.8 * text_h <= len(band) <= 2.6 * text_h or band.sum() < 2 * text_h:
                continue  # a line fragment, or lines run together
            core = np.flatnonzero(band >= 0.5 * band.max())
            above += float(band[:core[0]].sum())
            below += float(band[core[-1] + 1:].sum())
            lines += 1
    if lines < _MIN_LINES:
        return None
    return (above - below) / max(1.0, above + below)
