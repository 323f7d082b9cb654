"""Which way up a page is, from the ink of its lines (the check that spares reading it both ways)."""

import json

import cv2
import numpy as np
import pytest

from scanner.enhance import flatten_light
from scanner.page import LEAN_UPRIGHT, ink_balance, locate_page, looks_upright

from .conftest import SAMPLES


def _pages(capture: str) -> list[np.ndarray]:
    labels = json.loads((SAMPLES / "labels.json").read_text())
    out = []
    for lab in labels:
        if lab["capture"] != capture:
            continue
        img = cv2.imread(str(SAMPLES / lab["file"]), cv2.IMREAD_GRAYSCALE)
        out.append(flatten_light(locate_page(img).image))
    return out


@pytest.mark.parametrize("capture", ["clean", "scan"])
def test_upright_and_upside_down_pages_are_told_apart(capture):
    # Clean renders and flatbed scans come upright (sideways scans aside, which the line direction
    # catches first); every one must be judged upright, and turned over, upside down - or left
    # undecided, which costs only time.  Most must be decided.
    decided = 0
    for page in _pages(capture):
        if page.shape[0] < page.shape[1]:
            continue  # a scan lying sideways
        upright, turned = looks_upright(page), looks_upright(np.ascontiguousarray(np.rot90(page, 2)))
        assert upright in (True, None) and turned in (False, None)
        decided += upright is True and turned is False
    assert decided >= 6


@pytest.mark.parametrize("capture", ["clean", "scan"])
def test_the_ink_leans_the_right_way_when_it_leans_at_all(capture):
    # A lean (``LEAN_UPRIGHT``, weaker than sure) only picks which way up is read first; still,
    # on the upright pages it must point the right way: turned over, the balance turns over too,
    # and no upright page leans upside down.
    leaned = 0
    for page in _pages(capture):
        if page.shape[0] < page.shape[1]:
            continue
        b, turned = ink_balance(page), ink_balance(np.ascontiguousarray(np.rot90(page, 2)))
        if b is None or turned is None:
            continue
        assert b > -LEAN_UPRIGHT and turned < LEAN_UPRIGHT
        leaned += b >= LEAN_UPRIGHT and turned <= -LEAN_UPRIGHT
    assert leaned >= 5


def test_a_page_without_text_lines_is_undecided():
    rng = np.random.default_rng(3)
    blank = np.full((1400, 1000), 235, np.uint8)
    assert looks_upright(blank) is None
    specks = np.where(rng.random((1400, 1000)) < 0.01, 40, 235).astype(np.uint8)
    assert looks_upright(specks) is None


@pytest.mark.parametrize("angle", [-30.0, -7.5, 0.0, 4.0, 12.0, 38.0])
def test_skew_of_a_turned_page_is_measured(angle):
    from scanner.page import skew_angle

    page = cv2.imread(str(SAMPLES / "images" / "clean_001.png"), cv2.IMREAD_GRAYSCALE)
    h, w = page.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(page, m, (w, h), borderValue=255)
    # skew_angle gives the turn that straightens the lines: the opposite of the one applied.
    assert skew_angle(turned) == pytest.approx(-angle, abs=0.75)


@pytest.mark.parametrize("angle", [-37.0, -23.0, -13.0, 9.0, 17.0, 31.0])
def test_skew_of_a_turned_close_up_is_measured(angle):
    # A close-up holds a few short lines, whose sharpness peak over angles is narrow: a coarse
    # first search must not step over it.
    from scanner.page import skew_angle

    off = 0
    for name in ("clean_001.png", "clean_004.png", "clean_007.png"):
        page = cv2.imread(str(SAMPLES / "images" / name), cv2.IMREAD_GRAYSCALE)
        h, w = page.shape
        crop = page[int(0.45 * h):int(0.80 * h), int(0.2 * w):int(0.8 * w)]
        ch, cw = crop.shape
        m = cv2.getRotationMatrix2D((cw / 2, ch / 2), angle, 1.0)
        turned = cv2.warpAffine(crop, m, (cw, ch), borderMode=cv2.BORDER_CONSTANT, borderValue=235)
        off += abs(skew_angle(turned) + angle) >= 1.0
    assert off == 0
