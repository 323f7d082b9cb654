"""End to end on the committed samples (real generator output, real Tesseract).

Every sample is scanned once per test session.  Per sample: a code is either
exactly right or flagged for review (never silently wrong), and a letter
without codes gives no code at all.  Over the set: the accuracy floors.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from scanner import ScanResult, scan
from scanner.models import FIELD_NAMES

from .conftest import SAMPLES, load_labels

LABELS = load_labels()
_cache: dict[str, ScanResult] = {}


def result_for(sample: dict) -> ScanResult:
    if sample["file"] not in _cache:
        _cache[sample["file"]] = scan(SAMPLES / sample["file"])
    return _cache[sample["file"]]


@pytest.mark.parametrize("sample", LABELS, ids=[s["file"] for s in LABELS])
def test_never_silently_wrong(sample):
    r = result_for(sample)
    if sample["linkage_key"] is None:
        assert r.status == "not_found"
        assert [r.field(f).value for f in FIELD_NAMES] == [None, None, None]
        return
    for f in FIELD_NAMES:
        fld = r.field(f)
        if fld.value is not None and fld.value != sample[f]:
            assert fld.needs_review, f"{f} wrong without a review flag"
            assert r.status == "needs_review"
    if r.status == "ok":
        assert all(r.field(f).value == sample[f] for f in FIELD_NAMES)


def _rate(captures: tuple[str, ...], fields=FIELD_NAMES) -> float:
    group = [s for s in LABELS if s["capture"] in captures and s["linkage_key"]]
    assert group, captures
    ok = sum(all(result_for(s).field(f).value == s[f] for f in fields) for s in group)
    return ok / len(group)


def test_accuracy_floors_clean_and_scan():
    assert _rate(("clean", "scan")) >= FLOORS["clean_scan"]


def test_accuracy_floors_photos_and_closeups():
    assert _rate(("photo", "closeup")) >= FLOORS["photo_closeup"]


def test_ods_and_account_accuracy_overall():
    allc = ("clean", "scan", "photo", "closeup")
    assert _rate(allc, ("ods_code",)) >= FLOORS["ods"]
    assert _rate(allc, ("account_id",)) >= FLOORS["account"]


def test_panel_polygon_is_inside_the_source_image():
    s = next(s for s in LABELS if s["capture"] == "photo" and s["linkage_key"])
    r = result_for(s)
    assert r.panel is not None and len(r.panel) == 4
    from PIL import Image, ImageOps

    w, h = ImageOps.exif_transpose(Image.open(SAMPLES / s["file"])).size
    assert all(-5 <= x <= w + 5 and -5 <= y <= h + 5 for x, y in r.panel)


#: Floors (fractions) one letter or field under what `./dev bench` measures today (README: letters
#: exact 23/24 clean and scanned, 29/35 photos and close-ups; ODS 57/59, account ID 58/59 of the
#: images).  The issue's targets for photos and close-ups (0.85) and for the ODS code (0.98) are
#: not met yet: key reading is limited by the recogniser, and two blurred photos' ODS codes.
FLOORS = {"clean_scan": 0.90, "photo_closeup": 0.78, "ods": 0.94, "account": 0.96}


def test_a_page_without_code_labels_is_not_read_whole_twice(monkeypatch):
    # A letter without codes: Tesseract's page layout finds no code label, so the sparse pass (for
    # table cells the layout merged) has no band to read, and the whole page is not read again that
    # way (it found no candidate on 60 such pages; 0.3 s each).  The answer stays "not found".
    import scanner.pipeline as pipeline
    from scanner.ocr import PSM_SPARSE

    calls = []
    real = pipeline._words_in

    def counted(engine, img, region, psm, line_base):
        calls.append((psm, region))
        return real(engine, img, region, psm, line_base)

    monkeypatch.setattr(pipeline, "_words_in", counted)
    result = scan(SAMPLES / "images" / "nocodes_008.jpg")
    assert result.status == "not_found"
    assert any(region is None for _, region in calls)  # the page was read whole
    assert not any(psm == PSM_SPARSE and region is None for psm, region in calls), calls


@pytest.mark.parametrize("name", ["images/photo_007.jpg", "images/photo_019.jpg", "images/scan_012.jpg"])
def test_looks_that_split_on_a_character_are_voted_character_by_character(name):
    # The recogniser's five looks at these keys split on one character (photo_007: `0` at 0.95
    # summed over the looks against `O`; photo_019: `l` against `I`) or on a `/` two looks saw and
    # two did not (scan_012, where Tesseract's reading of the crop breaks the tie).  Taking the
    # most frequent whole text kept the minority's character; the per-character vote reads them.
    sample = next(s for s in LABELS if s["file"] == name)
    assert result_for(sample).linkage_key.value == sample["linkage_key"]


# Generated close-ups that once gave wrong or no codes (the sample generator is the independent truth):
# - seed 4242's closeup_005: the panel turned 11 degrees and tilted 15, page curl, bold labels in
#   thin-ruled cells.  Tesseract read the three values but none of the labels beside the cell borders,
#   and the rows, still slanted after deskewing, put the key 47 px above its label: nothing was found.
#   With the rules painted out of the panel Tesseract reads (enhance.erase_rules) and rows followed at
#   the text's slant (extract.text_slope) all three codes come out right.
# - tuning seed 1004's closeup_001: the page turned 8 degrees, filling the frame but for a corner.  The
#   outline found was that corner and the frame's edges, and its flattening slanted the lines every which
#   way: the key was read from a crop cutting through its line, the account ID was wrong and the ODS code
#   not found.  A code missing on a sheet the frame cuts now has the picture read whole as well, and the
#   better reading kept.
@pytest.mark.parametrize(("seed", "name"), [(4242, "closeup_005"), (1004, "closeup_001")])
def test_generated_close_ups_that_once_failed_give_all_three_codes(tmp_path, seed, name):
    truth, r = _generated(tmp_path, seed, name)
    assert r.ods_code.value == truth["ods_code"]
    assert r.account_id.value == truth["account_id"]
    assert r.linkage_key.value == truth["linkage_key"].replace(" ", "")


def test_a_dark_mode_screenshot_reads_as_the_letter_does():
    # A letter shown in an email app's dark mode, screenshotted: light letters on black (each
    # committed render, scan and close-up inverted). Every code is right or flagged, and as many
    # letters come out exact as from the pictures themselves (before, 1 of these 30 did).
    import cv2

    exact = normal_exact = 0
    for sample in (s for s in LABELS if s["capture"] in ("clean", "scan", "closeup")):
        grey = cv2.imread(str(SAMPLES / sample["file"]), cv2.IMREAD_GRAYSCALE)
        r = scan(255 - grey)
        for f in FIELD_NAMES:
            assert r.field(f).value == sample[f] or r.field(f).needs_review, (sample["file"], f)
        exact += all(r.field(f).value == sample[f] for f in FIELD_NAMES)
        normal_exact += all(result_for(sample).field(f).value == sample[f] for f in FIELD_NAMES)
    assert normal_exact >= 27
    assert exact >= normal_exact


REVERSED = [s for s in LABELS if "reversed out" in s["notes"]]


def test_a_reversed_out_code_box_is_read(monkeypatch):
    # Three samples print their code panel light on a dark box (white on NHS blue, on near-black)
    # in an otherwise dark-on-light letter. The render's and the scan's codes are all right, and
    # every code given is right or flagged (the photo's is sideways, small and blurred); without the
    # second reading with the box inverted, two of the three letters give no code at all.
    import scanner.pipeline as pipeline

    assert [s["capture"] for s in REVERSED] == ["clean", "scan", "photo"]
    right = right_before = 0
    for s in REVERSED:
        r = result_for(s)
        if s["capture"] != "photo":
            assert all(r.field(f).value == s[f] for f in FIELD_NAMES), s["file"]
        right += sum(r.field(f).value == s[f] for f in FIELD_NAMES)
    monkeypatch.setattr(pipeline, "reversed_panels", lambda image, fine=False, type_height=None: None)
    for s in REVERSED:
        r = scan(SAMPLES / s["file"])
        right_before += sum(r.field(f).value == s[f] for f in FIELD_NAMES)
    assert right >= 7
    assert right > right_before + 3


def _generated(tmp_path, seed: int, name: str, layout: str | None = None, **opts) -> tuple[dict, ScanResult]:
    """One letter of the samples' generator (seed, name), drawn with ``opts`` set, and its scan."""
    import sys

    sys.path.insert(0, str(SAMPLES))
    import generate  # noqa: E402

    spec = next(s for s in generate.build_specs(seed) if s.name == name)
    assert layout is None or spec.layout == layout
    spec.opts.update(opts)
    (tmp_path / "images").mkdir()
    truth = generate.generate_one(spec, str(tmp_path))
    return truth, scan(tmp_path / truth["file"])


@pytest.mark.parametrize("name", ["clean_002", "scan_004"])
def test_white_type_on_a_light_blue_box_is_read(tmp_path, name):
    # A shaded panel of the samples' generator drawn as white type on a light blue (grey ~152, about
    # 0.65 of the paper's): counted as dark only at the second level (before, the scan's codes were
    # one wrong key, flagged, and two not found).
    truth, r = _generated(tmp_path, 2026, name, "shaded", reversed=(65, 182, 230))
    assert [r.field(f).value for f in FIELD_NAMES] == [truth[f].replace(" ", "") for f in FIELD_NAMES]


@pytest.mark.parametrize(("seed", "name"), [(77, "clean_007"), (77, "photo_003"), (2026, "clean_001")])
def test_a_table_whose_value_cells_are_dark_is_read_without_false_retake_advice(tmp_path, seed, name):
    # A table whose value cells are each printed white on a dark blue, a thin light gap apart (an
    # independent HTML letter set had these). Before: each dark cell ended the crop's search for the
    # rest of its value as a "rule", only the largest cell of the joined dark region was inverted
    # for the second reading, and the dark cells read as a shadow, as darkness and their white type
    # as glare: one of these gave a wrong account ID, one a wrong key and account ID, and every one
    # some advice to take the photo again.
    truth, r = _generated(tmp_path, seed, name, "table", dark_values=(30, 50, 80))
    assert [r.field(f).value for f in FIELD_NAMES] == [truth[f].replace(" ", "") for f in FIELD_NAMES]
    assert not [w for w in r.warnings if any(k in w for k in ("glare", "shadow", "too dark"))]


def test_reversed_out_panels_are_found_where_the_codes_are():
    # A dark box with light type is found over the codes in the three reversed-out samples, and
    # nowhere in the rest (the letterheads' light-on-dark banners are too long and thin for a code
    # panel; the NHS logo holds too few letters; a patterned table is not a rectangle).
    from scanner.load import Limits, open_image
    from scanner.page import reversed_panels

    for s in LABELS:
        if s["file"].endswith(".heic"):
            continue
        loaded = open_image((SAMPLES / s["file"]).read_bytes(), Limits())
        mask = reversed_panels(loaded.image)
        assert (mask is not None) == (s in REVERSED), s["file"]
        if mask is not None:
            panel = result_for(s).panel
            x, y = (sum(p[0] for p in panel) / 4 / loaded.scale, sum(p[1] for p in panel) / 4 / loaded.scale)
            assert mask[int(y), int(x)], s["file"]


def test_a_sheet_on_a_dark_ground_kept_inverted_is_searched_for_dark_cells_as_taken(monkeypatch):
    # Seed 58's photo: a sheet on a dark carpet, its codes light in dark cells. The carpet's flecks
    # made the picture look like light text on dark, it was read inverted whole (no codes either
    # way), and the search for reversed-out boxes ran on the inverted copy, where the cells are
    # light: none found, all three codes missing. A picture still missing codes is searched as taken.
    import scanner.pipeline as pipeline
    from scanner.page import light_text_ratio

    from .test_page import _sheet_with_dark_value_cells

    sheet = _sheet_with_dark_value_cells((2000, 1500), (700, 500), 1.0, 3, 45)
    rng = np.random.default_rng(1)
    picture = np.full(sheet.shape, 40, np.uint8)  # the carpet: light flecks the size of letters
    for _ in range(6000):
        x, y = (int(v) for v in rng.integers(0, (1500, 2000)))
        axes = (int(rng.integers(2, 6)), int(rng.integers(3, 8)))
        cv2.ellipse(picture, (x, y), axes, float(rng.integers(0, 180)), 0, 360, 150, -1)
    picture[700:1260, 500:920] = sheet[700:1260, 500:920]
    assert light_text_ratio(picture) >= pipeline.LIGHT_TEXT_SURE  # taken for light text on dark
    searched = []
    real = pipeline.reversed_panels

    def spy(image, fine=False, type_height=None):
        mask = real(image, fine, type_height)
        searched.append((float(image.mean()), mask is not None))
        return mask

    monkeypatch.setattr(pipeline, "reversed_panels", spy)
    scan(picture)
    assert searched and abs(searched[0][0] - float(picture.mean())) < 1.0 and searched[0][1]


WRAPPED = [s for s in LABELS if "key wrapped across two lines" in s["notes"]]


def test_a_key_wrapped_across_two_lines_is_read_whole(monkeypatch):
    # Three samples print the key in a cell too narrow for it: its last characters go on under its
    # start, after a hyphen in two of them. The key is read as one line with its rest, the hyphen
    # left out but offered as the other reading, and flagged for a person to check; without the
    # join, each key came out cut short.
    import scanner.extract as extract
    from scanner.models import WRAPPED_WARNING

    assert [s["capture"] for s in WRAPPED] == ["clean", "scan", "photo"]
    for s in WRAPPED:
        r = result_for(s)
        key = r.linkage_key
        assert [r.field(f).value for f in FIELD_NAMES] == [s[f] for f in FIELD_NAMES], s["file"]
        assert key.needs_review and WRAPPED_WARNING in r.warnings, s["file"]
        if "after a hyphen" in s["notes"]:
            assert any(len(u.alternatives) > 1 and u.alternatives[-1] == "-" + key.value[u.index]
                       for u in key.uncertain), s["file"]
    monkeypatch.setattr(extract, "wrapped_tail", lambda *args: ((), False))
    for s in WRAPPED:
        cut = scan(SAMPLES / s["file"]).linkage_key.value
        assert cut is None or len(cut) < len(s["linkage_key"]), s["file"]


@pytest.mark.parametrize(("name", "dark_from"), [("closeup_004", 0.5), ("closeup_008", 0.6), ("closeup_001", 0.6)])
def test_a_close_up_whose_outline_the_light_cut_short_reads_its_codes_whole(tmp_path, monkeypatch, name, dark_from):
    # The samples' close-ups darkening towards their right side (as an independent letter's close-up
    # did): the "sheet" found ends where the light falls, and cut the key there (`QXXSc*IsI5xsp1V-`,
    # `wOpsoO1AX0pNE=`). A code ending at the edge of a "sheet" the frame cuts now has the picture
    # read whole as well, and that reading kept where it finds the codes as well without one there.
    import cv2
    import numpy as np

    import scanner.pipeline as pipeline

    truth = next(s for s in LABELS if s["file"] == f"images/{name}.jpg")
    img = cv2.imread(str(SAMPLES / truth["file"]))
    w = img.shape[1]
    light = np.ones(w, np.float32)
    light[int(dark_from * w):] = np.linspace(1.0, 0.45, w - int(dark_from * w))
    path = tmp_path / f"{name}.jpg"
    cv2.imwrite(str(path), np.clip(img * light[None, :, None], 0, 255).astype(np.uint8))
    r = scan(path)
    assert [r.field(f).value for f in FIELD_NAMES] == [truth[f] for f in FIELD_NAMES]
    monkeypatch.setattr(pipeline, "_runs_off_page", lambda read: False)
    assert scan(path).linkage_key.value != truth["linkage_key"]


def test_of_two_readings_of_one_picture_each_code_comes_from_the_surer():
    # A scan's value cells printed white on navy, read as they are and read inverted: the first
    # read the key right (every character flagged) and the ODS code in doubt, the second the ODS
    # code surer and the key wrong. Kept whole, the reading with more confidence in all gave the
    # wrong key; each code now comes from the reading surer of it, where both found it.
    from scanner.models import CodeField, Quality
    from scanner.pipeline import _field_by_field

    def reading(key: tuple[str, float], ods: tuple[str, float, bool], account: CodeField) -> ScanResult:
        return ScanResult(linkage_key=CodeField(value=key[0], confidence=key[1], needs_review=True),
                          ods_code=CodeField(value=ods[0], confidence=ods[1], needs_review=ods[2]),
                          account_id=account, quality=Quality(), warnings=["kept's own note"])

    plain = reading(("v2pSPezluPw0O", 0.029), ("E60471", 0.44, True), CodeField(value="2902215836", confidence=0.998))
    inverted = reading(("v3pSPezIuPw0O", 0.007), ("E60471", 0.96, False), CodeField())
    best = _field_by_field(inverted, plain)
    assert best.linkage_key.value == "v2pSPezluPw0O" and best.linkage_key.confidence == 0.029
    assert best.ods_code.confidence == 0.96 and not best.ods_code.needs_review
    # A code only one reading found is taken, for review (seed 80's photo: a key read only with
    # its dark cell inverted was dropped, the other two codes read either way).
    assert best.account_id.value == "2902215836" and best.account_id.needs_review
    assert best.account_id.confidence == 0.5
    assert best.status == "needs_review" and "kept's own note" in best.warnings
    # Two sure readings that differ are never passed off as certain: a close-up's account ID read
    # without its first figure, 0.998 sure, against the kept reading's whole one, as sure; and seed
    # 34's scan the other way round (the kept reading's crop cut short).  The whole one is given, flagged.
    for whole, cut in (("763308698", "63308698"), ("9419543096", "9543096")):
        for mine, theirs in ((whole, cut), (cut, whole)):
            kept = reading(("goaAbN1LTrozxcFa", 0.95), ("Q75438", 0.99, False), CodeField(value=mine, confidence=0.9982))
            other = reading(("goaAbN1LTrozxcFa", 0.05), ("Q75438", 0.5, True), CodeField(value=theirs, confidence=0.9984))
            best = _field_by_field(kept, other)
            assert best.account_id.value == whole and best.account_id.needs_review and best.account_id.confidence <= 0.5
            assert best.ods_code.value == "Q75438" and not best.ods_code.needs_review  # read alike: kept as it was
    # A sure code the other reading, in doubt, read longer, holding it, is flagged and pointed at
    # where the longer goes on: seed 148's photo of dark cells, the key read as printed cut short,
    # 0.997 sure, and read inverted whole, in doubt at one place.  (The longer is not given: the
    # other reading's extra characters are as often a cell's edge read as a glyph.)
    def sure(value: str, confidence: float) -> ScanResult:
        result = reading((value, confidence), ("F06965", 0.99, False), CodeField())
        result.linkage_key.needs_review = confidence < 0.9
        return result

    best = _field_by_field(sure("ZYnWdbZxr7ppt", 0.997), sure("ZYnWdbZxr7pptvOd", 0.7))
    assert best.linkage_key.value == "ZYnWdbZxr7ppt" and best.linkage_key.needs_review
    assert [(u.index, u.alternatives) for u in best.linkage_key.uncertain] == [(12, ["t", "tvOd"])]
    best = _field_by_field(sure("9543096", 0.997), sure("419543096", 0.6))
    assert [(u.index, u.alternatives) for u in best.linkage_key.uncertain] == [(0, ["9", "419"])]
    # The longer one kept, sure, stands as it was.
    best = _field_by_field(sure("ZYnWdbZxr7pptvOd", 0.997), sure("ZYnWdbZxr7ppt", 0.7))
    assert best.linkage_key.value == "ZYnWdbZxr7pptvOd" and not best.linkage_key.needs_review
    # Sure of different codes, neither holding the other: the kept reading's, flagged.
    kept = reading(("goaAbN1LTrozxcFa", 0.95), ("Q75438", 0.99, False), CodeField())
    other = reading(("goaAbN1LTrozxcFa", 0.97), ("Q75488", 0.99, False), CodeField())
    best = _field_by_field(kept, other)
    assert best.ods_code.value == "Q75438" and best.ods_code.needs_review and best.status == "needs_review"


def test_codes_found_by_their_formats_alone_send_the_picture_to_its_reversed_out_boxes():
    # Seed 76's photo: values white in navy cells beside dark labels. Read inverted whole, the three
    # codes were found by their formats in a column (the labels then white on black), all flagged,
    # and the search for reversed-out boxes, made only for codes missing, never ran. A reading with
    # no code next to its label now asks for it as a missing code does; one label-anchored code,
    # or all three, does not.
    from scanner.models import CodeField
    from scanner.pipeline import _codes_wanted

    def reading(*found_by: str | None) -> ScanResult:
        return ScanResult(**{f: CodeField(value=None if how is None else "x", found_by=how)
                             for f, how in zip(FIELD_NAMES, found_by)})

    assert _codes_wanted(reading("pattern", "pattern", "pattern"))
    assert _codes_wanted(reading("label", "label", None))
    assert not _codes_wanted(reading("label", "pattern", "pattern"))
    assert not _codes_wanted(reading("label", "label", "label"))


def test_codes_found_on_lines_read_again_count_by_label_or_by_format_but_no_key_under_a_label():
    # Seed 105's sidebar photo: the account ID's label read `Accommt ©`, its value, on a line OCR
    # had left unread, found again only by its format, and dropped: only label-anchored codes
    # counted there. An ODS code or account ID found by format (the format-only search's own rules)
    # now counts; a key under a label or found by format still does not (a row read again may stand
    # under another row's label), nor anything not on the lines read again.
    from scanner.extract import Candidate
    from scanner.ocr import Box, Word
    from scanner.pipeline import _found_on_lines_read_again

    def cand(field: str, text: str, found_by: str, where: str, score: float, y: int) -> Candidate:
        w = Word(text, 90.0, Box(100, y, 300, y + 20), y)
        return Candidate(field, text, w.box, (w,), found_by, where, score)

    found = {"account_id": cand("account_id", "935235922", "pattern", "anywhere", 0.5, 500),
             "ods_code": cand("ods_code", "E34294", "label", "below", 2.5, 400),
             "linkage_key": cand("linkage_key", "HYJaRYsYG4gkcMM", "label", "below", 2.6, 300)}
    fresh = {w for c in found.values() for w in c.words}
    assert set(_found_on_lines_read_again(found, fresh)) == {"account_id", "ods_code"}
    by_format = {"linkage_key": cand("linkage_key", "HYJaRYsYG4gkcMM", "pattern", "anywhere", 0.5, 300)}
    assert _found_on_lines_read_again(by_format, fresh | set(by_format["linkage_key"].words)) == {}
    beside = {"linkage_key": cand("linkage_key", "HYJaRYsYG4gkcMM", "label", "right", 2.6, 300)}
    assert set(_found_on_lines_read_again(beside, set(beside["linkage_key"].words))) == {"linkage_key"}
    assert _found_on_lines_read_again(found, set()) == {}


def test_the_band_read_around_labels_reaches_the_rows_of_codes_not_seen():
    # Independent seed 23's photo_014: the page read whole saw only "Surgery ID"; the band read
    # again around it ended 5 lines below it, and the key's row, 6 lines below, was never read.
    # The band reaches 2 lines further each way for each code whose label was not seen.
    from scanner.ocr import Box
    from scanner.pipeline import _band_around

    label, text_h = Box(160, 780, 290, 800), 23.0
    key_row = Box(160, 800 + 6 * text_h, 300, 800 + 7 * text_h)
    assert _band_around([label], text_h, 1700).y1 < key_row.y1, "the setting no longer tests what it says"
    band = _band_around([label], text_h, 1700, missing=2)
    assert band.y0 <= label.y0 - 9 * text_h and band.y1 >= key_row.y1 and (band.x0, band.x1) == (0, 1700)


def test_a_close_up_whose_outline_found_is_a_long_card_is_read_whole():
    # Independent seed 24's close-up: the sheet fills the frame, its codes in a row of outlined
    # cards above a long "Password" card. The long card's outline was taken for the sheet, and
    # nothing was found on it. An outline three times as long as wide is no sheet: where it gives
    # no codes, the picture is read whole.
    from PIL import Image, ImageDraw, ImageFont

    from scanner.page import band_like, locate_page

    fonts = "/usr/share/fonts/truetype/dejavu/"
    im = Image.new("L", (3400, 1237), 228)
    d = ImageDraw.Draw(im)
    prose, label, value = (ImageFont.truetype(fonts + name, size) for name, size in
                           (("DejaVuSans.ttf", 44), ("DejaVuSans.ttf", 34), ("DejaVuSans-Bold.ttf", 60)))
    d.text((100, 30), "Thank you for asking to use online services. Below are the details you need", font=prose, fill=50)
    d.text((100, 100), "The username and password are for SystmOnline; the pass phrase is for other apps.",
           font=prose, fill=50)
    codes = (("ACCOUNT ID NUMBER", "885073876"), ("ORGANISATION CODE", "K17339"), ("PASS PHRASE", "SxcwKSupHk?uXSmr"))
    for k, (name, code) in enumerate(codes):
        x0 = 200 + 1000 * k
        d.rounded_rectangle((x0, 220, x0 + 940, 500), 20, outline=90, width=5)
        d.text((x0 + 40, 260), name, font=label, fill=90)
        d.text((x0 + 40, 315), code, font=value, fill=30)
    d.rounded_rectangle((200, 560, 3140, 840), 20, outline=90, width=5, fill=236)
    d.text((240, 600), "PASSWORD", font=label, fill=90)
    d.text((240, 655), "p3EEWbISk", font=value, fill=30)
    d.text((100, 900), "Valid until 20/10/2025. Keep this letter private.", font=prose, fill=50)
    img = cv2.GaussianBlur(np.array(im), (5, 5), 0)
    page = locate_page(img)
    assert page.quad is not None and page.quad[:, 1].min() > 500 and band_like(page), \
        "the setting no longer tests what it says"
    result = scan(img)
    assert (result.linkage_key.value, result.ods_code.value, result.account_id.value) == \
        ("SxcwKSupHk?uXSmr", "K17339", "885073876")


def test_the_keys_zeros_are_held_to_the_zeros_of_the_letters_account_id(monkeypatch):
    """The figures' codes are read before the key, and the zeros measured on them (``own_zeros``)
    reach the key's glyph check: clean_006 (Liberation Sans) has a `0` in its key and its account ID."""
    import scanner.reading as reading

    seen: list = []
    real = reading.look_alikes

    def look_alikes(crop, value, centers=None, zero=None):  # noqa: ANN001, ANN202
        seen.append(zero)
        return real(crop, value, centers, zero)

    monkeypatch.setattr(reading, "look_alikes", look_alikes)
    result = scan(SAMPLES / "images" / "clean_006.png")
    assert result.account_id.value == "430136517" and result.linkage_key.value == "YZ-=vW0WWtSVu"
    # A Liberation Sans zero is 0.7-0.8 times as wide as it is high (ink at 200 px: 0.78).
    assert seen and all(z is not None and not z.marked and 0.6 < z.aspect < 0.9 for z in seen), seen


def test_a_code_at_either_side_of_a_sheet_the_frame_cuts_may_run_past_it():
    # Independent seed 82's close-up, lit more darkly on its left: the "sheet" found began at the
    # key's second letter, and the key was read `=CVu...` for `oKVu...` (the cut's edge taken for a
    # glyph) until a code beginning at the left edge, as one ending at the right, had the picture
    # read whole as well.
    import numpy as np

    from scanner.extract import Candidate
    from scanner.ocr import Box
    from scanner.page import Page
    from scanner.pipeline import NEAR_PAGE_EDGE, _PageRead, _runs_off_page

    def read_with(x0: float, x1: float) -> _PageRead:
        box = Box(x0=x0, y0=100, x1=x1, y1=130)  # OCR-image px, at twice the page's scale
        page = Page(image=np.full((600, 1000), 255, np.uint8), to_source=np.eye(3), found_outline=True, quad=None)
        code = Candidate("linkage_key", "oKVuPokl0uF+z", box, (), "label", "below", 2.5)
        return _PageRead(page=page, text_h=15.0, scale=2.0, panels=[], chosen={"linkage_key": code}, warnings=[],
                         flat=page.image)

    edge = NEAR_PAGE_EDGE * 30  # the code's height, in OCR-image px
    assert _runs_off_page(read_with(2, 400))  # begins at the page's left edge
    assert _runs_off_page(read_with(edge - 4, 400))
    assert _runs_off_page(read_with(1000, 2000 - 2))  # ends at its right edge
    assert not _runs_off_page(read_with(edge + 40, 1600))  # a margin either side


def test_codes_the_label_rows_read_beside_their_labels_are_kept_when_the_page_is_read_whole(monkeypatch):
    # Seed 155's close-up: a table whose label cells are shaded.  The rows where the recogniser saw
    # the labels, read alone, gave the account ID and key beside theirs but not the ODS code, so the
    # page was read whole; its layout analysis dropped the shaded cells, and the account ID went
    # unfound (the codes of the rows had been set aside).  Here Tesseract's page-wide reads of a
    # sample lose the account ID's value, and the rows' reads the ODS code's.
    import scanner.pipeline as pipeline

    truth = next(s for s in load_labels() if s["file"] == "images/clean_003.png")
    real = pipeline._words_in
    seen = {"rows": 0, "page": 0}

    def lossy(engine, img, region, psm, line_base):
        words = real(engine, img, region, psm, line_base)
        lost = truth["ods_code"] if line_base else truth["account_id"]
        seen["rows" if line_base else "page"] += 1
        return [w for w in words if lost not in w.text]

    monkeypatch.setattr(pipeline, "_words_in", lossy)
    r = scan(SAMPLES / truth["file"])
    assert seen["rows"] and seen["page"], seen  # both reads ran: the setting tests what it says
    assert r.account_id.value == truth["account_id"] and r.account_id.found_by == "label"
    assert r.ods_code.value == truth["ods_code"]


@pytest.mark.parametrize("name", ["images/clean_004.png", "images/clean_003.png"])
def test_a_key_label_tesseract_garbled_is_read_as_the_recogniser_read_it(monkeypatch, name):
    # Seed 165's photo: a card's small, faint `Linkage key` label, read `Lovage bey` by Tesseract
    # (no label: the key under it went unfound), read `iinkasge key` by the recogniser's look at
    # the lines' starts.  Here every Tesseract read of a sample garbles its key label so.
    import scanner.pipeline as pipeline

    truth = next(s for s in load_labels() if s["file"] == name)
    real = pipeline._words_in
    garbled = []

    def garbling(engine, img, region, psm, line_base):
        words = real(engine, img, region, psm, line_base)
        out = []
        for w in words:
            low = w.text.lower().strip(":")
            if low in ("linkage", "key"):
                w = replace(w, text={"linkage": "Lovage", "key": "bey"}[low])
                garbled.append(w)
            out.append(w)
        return out

    monkeypatch.setattr(pipeline, "_words_in", garbling)
    r = scan(SAMPLES / truth["file"])
    assert garbled  # the setting tests what it says
    assert r.linkage_key.value == truth["linkage_key"] and r.linkage_key.found_by == "label"


def test_codes_by_their_formats_count_once_a_row_read_again_gives_a_code_beside_its_label(monkeypatch):
    # Seed 158's photo: a small, blurred sheet whose labels Tesseract garbled past knowing
    # (`Account et 7702708243`, `Orpunisation cate E57180`) and whose key's row it left out; nothing
    # was found.  Read again alone, that row gave the key beside its label, and then the ODS code and
    # account ID by their formats count, as on any letter with a labelled code (flagged for review).
    # Here every Tesseract page read of a sample drops the key's row and garbles the other labels.
    import scanner.pipeline as pipeline

    truth = next(s for s in load_labels() if s["file"] == "images/clean_003.png")
    real = pipeline._words_in
    label_words = {"ods", "code", "account", "id", "practice", "organisation", "number"}

    def garbling(engine, img, region, psm, line_base):
        words = real(engine, img, region, psm, line_base)
        key_lines = {w.line for w in words if w.text.lower().strip(":") in ("linkage", "passphrase")}
        return [replace(w, text="Wxqz") if w.text.lower().strip(":") in label_words else w
                for w in words if w.line not in key_lines]

    monkeypatch.setattr(pipeline, "_words_in", garbling)
    # (The recogniser's look at the lines' starts reads the labels right: not so on that photo.)
    monkeypatch.setattr(pipeline, "relabelled", lambda words, labels, fields: words)
    r = scan(SAMPLES / truth["file"])
    assert r.linkage_key.value == truth["linkage_key"] and r.linkage_key.found_by == "label"
    for f in ("ods_code", "account_id"):
        assert r.field(f).value == truth[f] and r.field(f).found_by == "pattern" and r.field(f).needs_review
