"""The blur measure behind the "hold the phone still" advice: it follows the blur against the
letters' size (not the picture's resolution), a shake as much as a defocus, on real renders."""

import cv2
import numpy as np
import pytest

from scanner import scan
from scanner.enhance import estimate_text_height
from scanner.models import CodeField, Quality, ScanResult, UncertainChar
from scanner.quality import BLUR_LIMIT, SHADOW_LIMIT, edge_blur, retake_advice, shadow_depth

from .conftest import SAMPLES

BLURRED = "The picture looks blurred"


@pytest.fixture(scope="module")
def clean_page(clean_sample) -> tuple[np.ndarray, float]:
    grey = cv2.imread(str(SAMPLES / clean_sample["file"]), cv2.IMREAD_GRAYSCALE)
    text_h = estimate_text_height(grey)
    assert text_h
    return grey, text_h


def _shaken(grey: np.ndarray, length: int, angle: float) -> np.ndarray:
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1.0
    rot = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle, 1.0)
    kernel = cv2.warpAffine(kernel, rot, (length, length))
    return cv2.filter2D(grey, -1, kernel / kernel.sum())


def _scaled(grey: np.ndarray, f: float) -> np.ndarray:
    return cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)


def test_sharp_print_is_not_blurred_at_any_resolution(clean_page):
    grey, text_h = clean_page  # 15 px letters
    sharp = edge_blur(grey, text_h)
    assert sharp is not None and sharp < BLUR_LIMIT
    for f in (1.5, 2.0, 3.0):  # more pixels than the letters need: the measure hardly moves
        assert edge_blur(_scaled(grey, f), text_h * f) == pytest.approx(sharp, abs=0.03)
    for f in (0.8, 0.6):  # 12 and 9 px letters are softer against their size, yet not blurred
        assert sharp < edge_blur(_scaled(grey, f), text_h * f) < BLUR_LIMIT


@pytest.mark.parametrize("angle", [0.0, 90.0, 35.0])
def test_a_shake_of_a_third_of_the_letters_height_is_blurred(clean_page, angle):
    grey, text_h = clean_page
    shaken = edge_blur(_shaken(grey, max(3, round(text_h / 3)), angle), text_h)
    assert shaken is not None and shaken >= BLUR_LIMIT
    # The same shake on letters three times the size hardly matters.
    big = _scaled(grey, 3.0)
    assert edge_blur(_shaken(big, max(3, round(text_h / 3)), angle), 3 * text_h) < BLUR_LIMIT


def test_blur_grows_with_defocus(clean_page):
    grey, text_h = clean_page
    values = [edge_blur(cv2.GaussianBlur(grey, (0, 0), s * text_h), text_h) for s in (0.02, 0.06, 0.12)]
    assert values[0] < values[1] < values[2]
    assert values[2] >= BLUR_LIMIT


def test_a_blank_picture_has_no_blur_measure():
    assert edge_blur(np.full((200, 300), 230, np.uint8), 20.0) is None
    assert edge_blur(None, 20.0) is None


def test_retake_advice_speaks_of_blur_only_on_a_blurred_photo(labels):
    # photo_010: motion blur of 8 px and a 2 px defocus on 20 px capitals; clean renders are sharp.
    blurred = scan(SAMPLES / "images/photo_010.jpg")
    assert blurred.quality.blur is not None and blurred.quality.blur >= BLUR_LIMIT
    assert any(BLURRED in w for w in blurred.warnings)
    clean = scan(SAMPLES / next(s["file"] for s in labels if s["capture"] == "clean"))
    assert clean.quality.blur is not None and clean.quality.blur < BLUR_LIMIT
    assert not any(BLURRED in w for w in clean.warnings)


def test_a_shadow_across_the_codes_is_measured(clean_page):
    grey, text_h = clean_page
    assert shadow_depth(grey, text_h) < 0.1  # a clean render's light is even
    h, w = grey.shape
    yy, xx = np.mgrid[0:h, 0:w]
    hand = np.exp(-(((xx - 0.3 * w) / (0.25 * w)) ** 2 + ((yy - 0.5 * h) / (0.3 * h)) ** 2))
    shaded = (grey * (1 - 0.55 * hand)).astype(np.uint8)  # a hand's shadow taking 55 % of the light at its core
    assert shadow_depth(shaded, text_h) >= SHADOW_LIMIT
    assert shadow_depth((grey * (1 - 0.15 * hand)).astype(np.uint8), text_h) < SHADOW_LIMIT  # a faint one


def _result(needs_review: bool = True) -> ScanResult:
    return ScanResult(**{f: CodeField(value="x", needs_review=needs_review) for f in ("linkage_key", "ods_code", "account_id")})


def test_shadow_advice_speaks_only_when_it_explains_a_doubt():
    shadowed = Quality(shadow=0.5)
    assert any("shadow" in a for a in retake_advice(_result(), shadowed))
    assert not any("shadow" in a for a in retake_advice(_result(), Quality(shadow=0.2)))
    assert retake_advice(_result(needs_review=False), shadowed) == []  # nothing in doubt: nothing to say


def test_white_type_on_dark_cells_is_no_shadow_darkness_or_glare(clean_page):
    # A panel of value cells printed white on dark blue (grey ~48), a white gap between them, on a
    # clean render: measured as its negative, its dark is no shadow nor darkness, and neither the
    # white type nor the gaps are glare (the page's paper is white). Before: shadow 0.8, brightness
    # 48 and the type as glare, all three retake warnings on a perfect picture.
    from scanner.quality import DARK_LIMIT, GLARE_LIMIT, assess

    grey, text_h = clean_page
    panel = np.full((300, 900), 255, np.uint8)
    for top in (10, 110, 210):
        panel[top:top + 80, 10:890] = 48
        cv2.putText(panel, "Xk4/Pq9Wzr7", (30, top + 55), cv2.FONT_HERSHEY_SIMPLEX, 1.3, 255, 3, cv2.LINE_AA)
    page = grey.copy()
    page[100:400, 100:1000] = panel
    q = assess(page, panel, {}, 1.0, text_h)
    assert q.shadow < SHADOW_LIMIT and q.brightness >= DARK_LIMIT and q.glare_fraction <= GLARE_LIMIT
    # The same panel printed dark on light measures alike.
    plain = assess(page, 255 - panel, {}, 1.0, text_h)
    assert abs(plain.brightness - q.brightness) < 30 and plain.shadow < SHADOW_LIMIT
    # And a photo's blown-out patch on the codes still counts as glare.
    photo = (page * 0.8).astype(np.uint8)
    spot = (255 - panel) * 0.8
    spot[100:250, 300:700] = 255
    assert assess(photo, spot.astype(np.uint8), {}, 1.0, text_h).glare_fraction > GLARE_LIMIT


def test_a_code_not_read_gets_advice_even_when_no_measure_explains_it():
    # A far photo whose key label was too soft to read: no measure was past its limit, and the result
    # said nothing to the person at all.
    partly = ScanResult(linkage_key=CodeField(value=None), ods_code=CodeField(value="A81001"),
                        account_id=CodeField(value="1195029928"))
    advice = retake_advice(partly, Quality(blur=0.1, text_height_px=20.0))
    assert len(advice) == 1 and "The linkage key could not be read" in advice[0] and "ODS" not in advice[0]
    blurred = retake_advice(partly, Quality(blur=BLUR_LIMIT + 0.05))
    assert any("blurred" in a for a in blurred) and not any("could not be read" in a for a in blurred)
    assert retake_advice(_result(needs_review=False), Quality()) == []


def test_a_code_read_mostly_as_a_guess_gets_advice_even_when_no_measure_explains_it():
    # A 150 dpi scan of condensed type (seed 77 scan_007): every character of the key in doubt, no
    # measure past its limit, and no word to the person but the flags.
    doubts = [UncertainChar(index=i, alternatives=["N", "V"]) for i in range(0, 13, 2)]
    guessed = ScanResult(linkage_key=CodeField(value="NFP=0xaWU0Cml", needs_review=True, uncertain=doubts),
                         ods_code=CodeField(value="A81001"), account_id=CodeField(value="1195029928"))
    advice = retake_advice(guessed, Quality(blur=0.1, text_height_px=20.0))
    assert len(advice) == 1 and "Many characters of the linkage key" in advice[0]
    # Two doubtful characters are for the person to check, not a reason to take the picture again.
    two = guessed.model_copy(update={"linkage_key": CodeField(value="NFP=0xaWU0Cml", needs_review=True,
                                                              uncertain=doubts[:2])})
    assert retake_advice(two, Quality(blur=0.1, text_height_px=20.0)) == []
    # A measured cause speaks instead.
    assert not any("Many" in a for a in retake_advice(guessed, Quality(blur=BLUR_LIMIT + 0.05)))


def test_a_dark_header_row_printed_across_the_panel_is_no_shadow(clean_page):
    # A code table whose header row is printed white on dark grey (an independent letter's scan
    # was told "A shadow falls on the codes" for it): print, not a lack of light.
    from scanner.quality import assess

    grey, text_h = clean_page
    panel = grey[: int(12 * text_h), :].copy()
    panel[: int(2 * text_h), :] = 60
    cv2.putText(panel, "Your online services details", (20, int(1.5 * text_h)), cv2.FONT_HERSHEY_SIMPLEX,
                text_h / 30, 255, 2, cv2.LINE_AA)
    assert assess(grey, panel, {}, 1.0, text_h).shadow < SHADOW_LIMIT
    # A soft shadow as deep over the same panel still counts.
    h, w = panel.shape
    yy, xx = np.mgrid[0:h, 0:w]
    hand = np.exp(-(((xx - 0.5 * w) / (0.3 * w)) ** 2 + ((yy - 0.6 * h) / (0.5 * h)) ** 2))
    shaded = (grey[: h].astype(float) * (1 - 0.6 * hand)).astype(np.uint8)
    assert assess(grey, shaded, {}, 1.0, text_h).shadow >= SHADOW_LIMIT
