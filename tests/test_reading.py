"""The reading vote: which characters it flags, from posteriors and Tesseract's second opinion."""

import random
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from scanner import reading
from scanner.ocr import Box, get_engine
from scanner.reading import (
    CHAR_FLAG,
    FIELD_REVIEW,
    KEY_GROUP_GAP,
    LEAN_GAIN,
    SLANT_GAIN_ITALIC,
    SLANT_MIN,
    WORD_GAP,
    Reading,
    _char_error,
    _fold,
    _from_recognizer,
    _vote_looks,
    crop_value,
    leans_italic,
    read_value,
    set_upright,
    upright,
    vote,
)
from scanner.recognizer import get_recognizer
from scanner.shapes import Verdict, look_alikes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import linegen  # noqa: E402


def model(text: str, probs: list[float], alts: dict[int, list[tuple[str, float]]] | None = None) -> Reading:
    alts = alts or {}
    return Reading("model", text, probs, [alts.get(i, []) for i in range(len(text))])


def tess(text: str) -> Reading:
    return Reading("tesseract", text, [0.9] * len(text))


def test_sure_and_agreed_key_is_not_flagged():
    f = vote("linkage_key", [model("tTALtBP3rLR16", [0.999] * 13), tess("tTALtBP3rLR16")])
    assert f.value == "tTALtBP3rLR16"
    assert not f.needs_review and f.uncertain == []
    assert f.confidence >= FIELD_REVIEW


def test_a_key_as_likely_right_as_the_calibrated_level_needs_no_review():
    # Nine characters each 0.4 % likely wrong (posterior 0.97-0.99, Tesseract agreeing): together
    # 96 % likely right, above the 95 % at which fields are measured right 99 % of the time.
    probs = [0.98] * 9 + [0.999] * 4
    f = vote("linkage_key", [model("tTALtBP3rLR16", probs), tess("tTALtBP3rLR16")])
    assert 0.95 <= f.confidence < 0.97
    assert not f.needs_review and f.uncertain == []


def test_disagreement_flags_a_fairly_sure_character_with_both_readings():
    probs = [0.999] * 13
    probs[4] = 0.75  # measured with five looks: 2.3 % wrong when Tesseract agrees, 3.9 % when not
    f = vote("linkage_key", [model("tTALtBP3rLR16", probs), tess("tTALIBP3rLR16")])
    assert f.needs_review
    assert [u.index for u in f.uncertain] == [4]
    assert f.uncertain[0].alternatives[:2] == ["t", "I"]
    assert f.uncertain[0].reason == "readings disagree"
    probs[4] = 0.85  # 0 of 310 wrong when Tesseract agrees
    agreed = vote("linkage_key", [model("tTALtBP3rLR16", probs), tess("tTALtBP3rLR16")])
    assert not agreed.needs_review


def test_a_double_letter_read_once_is_flagged_even_when_the_recogniser_is_sure():
    # A close-up in a serif face: the recogniser read "jj" as one "j" at 0.999; Tesseract saw both.
    sure = [0.999] * 12
    f = vote("linkage_key", [model("ecr4jkfzGWEf", sure), tess("ecr4jjkfzGWEf")])
    assert f.needs_review and {u.index for u in f.uncertain} & {3, 4, 5}
    # ... and when the same gap sits inside a longer disagreement ("4j" read "djj").
    g = vote("linkage_key", [model("ecr4jkfzGWEf", sure), tess("ecrdjjkfzGWEf")])
    assert g.needs_review and {u.index for u in g.uncertain} & {3, 4}
    # Tesseract's habit of writing two readings of one glyph ("Xx") is still not a gap.
    h = vote("linkage_key", [model("tTALtBP3rLRX6", [0.999] * 13), tess("tTALtBP3rLRXx6")])
    assert not h.needs_review


def test_a_rule_read_as_a_dash_at_the_edge_is_not_a_dropped_character():
    # Tesseract reads the table rule or the label's dash before the key ("-AVnIW..."); a "?" there may be real.
    f = vote("linkage_key", [model("AVnIW5cT*s8Mz", [0.999] * 13), tess("-AVnIW5cT*s8Mz")])
    assert not f.needs_review and f.uncertain == []
    g = vote("linkage_key", [model("AVnIW5cT*s8Mz", [0.999] * 13), tess("?AVnIW5cT*s8Mz")])
    assert g.needs_review and 0 in {u.index for u in g.uncertain}


def test_a_very_sure_character_outvotes_tesseract():
    f = vote("linkage_key", [model("tTALlBP3rLR16", [0.999] * 13), tess("tTALIBP3rLR16")])
    assert not f.needs_review
    assert _char_error(0.999, "model", True) < CHAR_FLAG


def test_low_posterior_is_flagged_with_the_recogniser_alternatives_even_when_agreed():
    probs = [0.999] * 13
    probs[9] = 0.6
    f = vote("linkage_key", [model("tTALtBP3rLR16", probs, {9: [("I", 0.35)]}), tess("tTALtBP3rLR16")])
    assert f.needs_review and f.confidence < FIELD_REVIEW
    assert [(u.index, u.alternatives) for u in f.uncertain] == [(9, ["L", "I"])]


def test_a_recogniser_only_fairly_sure_against_tesseract_is_flagged():
    # A photo's key (DejaVu Sans Mono Bold): the recogniser 0.81 sure of `l`, Tesseract reading
    # `1`.  On the pipeline's own crops such a disagreement was wrong 5 times in 38; the render-
    # only table called it 2.5 % and the key went out unflagged with the `1` misread.
    probs = [0.999] * 16
    probs[7] = 0.807
    f = vote("linkage_key", [model("xXF4!PIlp9=mwIqz", probs), tess("xXF4!PI1p9=mwIqz")])
    assert f.needs_review
    assert [(u.index, u.alternatives) for u in f.uncertain] == [(7, ["l", "1"])]


def test_a_doubtful_look_alike_doubts_the_same_glyph_beside_it():
    # Seed 123's photo: `00` read `OO`, the recogniser unsure of the first `O` only. The second
    # is the same glyph drawn again; it went unflagged, a wrong character the person was not shown.
    probs = [0.999] * 15
    probs[5] = 0.6
    f = vote("linkage_key", [model("wK4RDOONsIZ4ksI", probs, {5: [("0", 0.38)]}), tess("wK4RDOONsIZ4ksI")])
    assert {5, 6} <= {u.index for u in f.uncertain}
    assert [u.alternatives for u in f.uncertain if u.index == 6] == [["O", "0"]]
    # A sure character next to a doubtful different one stays unflagged.
    assert 4 not in {u.index for u in f.uncertain}


def test_a_doubt_between_look_alikes_spreads_to_the_same_character_elsewhere_in_the_key():
    # Seed 92's Lato photo: both zeros of `el1ZppK0ZlUq0` read `O`, the recogniser unsure of the
    # second only; the first, as wrong, was not pointed at.
    probs = [0.999] * 13
    probs[12] = 0.6
    f = vote("linkage_key", [model("el1ZppKOZlUqO", probs, {12: [("0", 0.38)]}), tess("el1ZppKOZlUqO")])
    assert {u.index for u in f.uncertain} == {7, 12}
    assert [(u.alternatives, u.reason) for u in f.uncertain if u.index == 7] == [(["O", "0"], "the same glyph as a doubtful one")]
    # Unless that place's own shape rules the look-alike out.
    shaped = vote("linkage_key", [model("el1ZppKOZlUqO", probs, {12: [("0", 0.38)]}), tess("el1ZppKOZlUqO")],
                  {7: Verdict("O", "0", 0.005)})
    assert {u.index for u in shaped.uncertain} == {12}
    # A doubt that is not between the character and its look-alike says nothing of the face.
    f = vote("linkage_key", [model("el1ZppKOZlUqO", probs, {12: [("e", 0.38)]}), tess("el1ZppKOZlUqO")])
    assert {u.index for u in f.uncertain} == {12}
    # The shared doubts are not counted as a poor picture's many: the key's other look-alikes
    # (`k p v`) stay unflagged.
    probs = [0.999] * 13
    probs[1] = 0.6
    f = vote("linkage_key", [model("aO3kOpOrOtOv9", probs, {1: [("0", 0.38)]}), tess("aO3kOpOrOtOv9")])
    assert {u.index for u in f.uncertain} == {1, 4, 6, 8, 10}


def test_a_look_alike_another_reader_saw_is_pointed_at_in_a_key_going_to_review():
    # Seed 76's Schola photo: `p0cUplSWSsbvUWLO`'s last `O` read `0` 0.98 sure, Tesseract's `O`
    # making it 2 % likely wrong, under the flag; the key went to review for three other places,
    # and the wrong one was not among them.
    probs = [0.999] * 16
    probs[5], probs[15] = 0.84, 0.98
    readings = [model("p0cUplSWSsbvUWL0", probs, {5: [("I", 0.15)], 15: [("O", 0.017)]}), tess("p0cUpISWSsbvUWLO")]
    f = vote("linkage_key", readings)
    assert f.needs_review
    assert [(u.alternatives, u.reason) for u in f.uncertain if u.index == 15] == [(["0", "O"], "readings disagree")]
    # Not in a key sure enough to need no review: there the other reading's `O` costs a flag.
    sure = vote("linkage_key", [model("p0cUplSWSsbvUWL0", [0.999] * 15 + [0.98]), tess("p0cUplSWSsbvUWLO")])
    assert not sure.needs_review and not sure.uncertain
    # Nor where the other reading's character is no look-alike (a blur's `e` for a `c`), nor where
    # the place's shape verdict settled it.
    other = vote("linkage_key", [model("p0cUplSWSsbvUWL0", probs, {5: [("I", 0.15)]}), tess("p0eUpISWSsbvUWL0")])
    assert 2 not in {u.index for u in other.uncertain}
    shaped = vote("linkage_key", readings, {15: Verdict("0", "O", 0.005)})
    assert 15 not in {u.index for u in shaped.uncertain}


def test_a_character_tesseract_read_as_another_shape_on_the_crop_and_the_page_is_pointed_at_in_a_key_going_to_review():
    # Seed 119's Go Mono close-up: `UoeA1fNVuZ6oJ` read `Uoe41fVVuZ6oJ` by the recogniser, its `4`
    # 0.99 sure; Tesseract read the crop `UoeA1fNVuZ6o0J` and the page `UoeA1fNVuZ6oJ`. The key went
    # to review for its `V`s; its `4` was not pointed at.
    probs = [0.999] * 13
    probs[3], probs[6], probs[7] = 0.993, 0.91, 0.67
    readings = [model("Uoe41fVVuZ6oJ", probs, {7: [("Y", 0.14)]}), tess("UoeA1fNVuZ6o0J"),
                Reading("page", "UoeA1fNVuZ6oJ", [0.5] * 13)]
    f = vote("linkage_key", readings)
    assert f.needs_review
    assert [u.alternatives for u in f.uncertain if u.index == 3] == [["4", "A"]]
    # Not where the page read it as the recogniser did (one reading of another shape), nor in a key
    # sure enough to need no review.
    one = vote("linkage_key", readings[:2] + [Reading("page", "Uoe41fNVuZ6oJ", [0.5] * 13)])
    assert 3 not in {u.index for u in one.uncertain}
    sure = vote("linkage_key", [model("Uoe41fVVuZ6oJ", [0.999] * 13), tess("UoeA1fVVuZ6oJ"),
                                Reading("page", "UoeA1fVVuZ6oJ", [0.5] * 13)])
    assert not sure.needs_review and not sure.uncertain


def test_an_account_id_whose_crop_lost_a_figure_the_page_read_is_given_whole_for_review():
    # Seed 110's FreeMono close-up: `ID:6833066675` read as one word and split by an estimate inside
    # the `D`; the crop began after the `6`, both of its readers read `833066675`, sure, and it went
    # out unflagged. OCR's page reading, valid, holds it with one figure more: that is given, the
    # figure pointed at, for review.
    page = Reading("page", "6833066675", [0.5] * 10, [[] for _ in range(10)])
    f = vote("account_id", [model("833066675", [0.999] * 9), tess("833066675"), page])
    assert (f.value, f.needs_review, [u.index for u in f.uncertain]) == ("6833066675", True, [0])
    assert f.confidence <= 0.5
    # At the end too; not a page reading three figures longer, one that is no account ID, nor one
    # that does not hold the crop's reading at an end.
    tail = vote("account_id", [model("683306667", [0.999] * 9), tess("683306667"), page])
    assert (tail.value, [u.index for u in tail.uncertain]) == ("6833066675", [9])
    # A `1` more at an end is as often a cell's edge or a rule read beside the value (seed 107's
    # photo: `402331581` in a navy cell, `1402331581` on the page): the crop's value stays, pointed at.
    edge = vote("account_id", [model("402331581", [0.999] * 9), tess("402331581"),
                               Reading("page", "1402331581", [0.5] * 10, [[] for _ in range(10)])])
    assert (edge.value, edge.needs_review, [(u.index, u.alternatives) for u in edge.uncertain]) == (
        "402331581", True, [(0, ["4", "14"])])
    for other in ("6833066675123", "ID6833066675", "6833166675"):
        p = Reading("page", other, [0.5] * len(other), [[] for _ in other])
        f = vote("account_id", [model("833066675", [0.999] * 9), tess("833066675"), p])
        assert f.value == "833066675", other


def test_a_code_read_with_its_labels_end_before_a_colon_is_the_part_after_it():
    # Independent seed 125's photo: the account ID's crop began inside `Account ID number:`; the
    # recogniser read `iDnumber:317068`, no account ID, and Tesseract's `917068` (its `9` 0.19 sure)
    # went out.  The recogniser's figures after the colon, sure, are the value.
    probs = [0.37, 0.8, 0.8, 0.94, 0.93, 0.81, 0.91, 0.97, 0.98, 0.99, 1.0, 1.0, 1.0, 1.0, 1.0]
    page = Reading("page", "317068", [0.5] * 6, [[] for _ in range(6)])
    t = Reading("tesseract", "917068", [0.19, 0.98, 0.99, 0.99, 0.99, 0.9])
    f = vote("account_id", [model("iDnumber:317068", probs), t, page])
    assert f.value == "317068" and f.needs_review and [u.index for u in f.uncertain] == [0]
    # A key's reading stays whole, colon and all (no key has one: it fails the format).
    assert vote("linkage_key", [model("Key:tTALtBP3rLR16", [0.99] * 17)]).value != "tTALtBP3rLR16"
    # After the colon, no valid code: the reading is as it was (and the valid one wins).
    assert vote("account_id", [model("iDnumber:31", [0.99] * 11), tess("317068")]).value == "317068"


def test_many_slightly_unsure_characters_add_up():
    probs = [0.999] * 13
    for i in (1, 5, 8, 11):
        probs[i] = 0.85  # 1.7 % each when agreed: under the character flag, four over the field's
    f = vote("linkage_key", [model("tTALtBP3rLR16", probs), tess("tTALtBP3rLR16")])
    assert f.needs_review
    assert f.uncertain and all(u.reason == "less sure" for u in f.uncertain)
    assert {u.index for u in f.uncertain} <= {1, 5, 8, 11}
    probs[5] = probs[8] = probs[11] = 0.999  # one such character is not yet enough
    assert not vote("linkage_key", [model("tTALtBP3rLR16", probs), tess("tTALtBP3rLR16")]).needs_review


def test_a_character_tesseract_sees_and_the_recogniser_dropped_flags_the_spot():
    probs = [0.999] * 12
    probs[5] = 0.95
    f = vote("linkage_key", [model("tTALtP3rLR16", probs), tess("tTALtBP3rLR16")])
    assert f.needs_review
    assert any(u.index in (4, 5) for u in f.uncertain)


def test_a_reading_run_on_into_the_next_text_offers_no_long_option():
    # Fresh seed 6060's photo_024: the page reading ran the account ID on into the next card's text.
    # The last figure is in doubt (a figure may be lost), but "5" or "50030191" is no option to weigh.
    page = Reading("page", "743693717500030191", [0.5] * 18)
    f = vote("account_id", [model("7436937175", [0.999] * 10), page])
    assert f.value == "7436937175" and f.needs_review
    assert f.uncertain and all(len(a) <= 2 for u in f.uncertain for a in u.alternatives)
    # One or two extra characters are still offered beside their neighbour.
    g = vote("linkage_key", [model("tTALtP3rLR16", [0.999] * 12), tess("tTALtBP3rLR16")])
    assert any(len(a) == 2 for u in g.uncertain for a in u.alternatives)


def test_ods_digit_the_format_pins_down_is_not_flagged():
    f = vote("ods_code", [model("A81001", [0.999, 0.999, 0.6, 0.999, 0.999, 0.999], {2: [("I", 0.3)]}),
                          tess("A81001")])
    assert f.value == "A81001"
    assert f.uncertain == []


def test_a_code_tesseract_read_alike_twice_takes_its_characters_where_the_recogniser_was_unsure():
    # Fresh seed 94's close-up: the ODS code `W22380` read so by Tesseract on the crop and on the page,
    # `N22380` by the recogniser, 0.80 sure of its `N`. Tesseract's letter is taken, flagged, the
    # recogniser's on offer.
    page = Reading("page", "W22380", [0.5] * 6)
    f = vote("ods_code", [model("N22380", [0.8] + [0.999] * 5), tess("W22380"), page])
    assert f.value == "W22380" and f.needs_review
    assert [(u.index, u.alternatives) for u in f.uncertain] == [(0, ["W", "N"])]
    # Not where the recogniser is sure of a character they differ at, nor with one Tesseract reading,
    # nor for a key.
    sure = vote("ods_code", [model("N22380", [0.95] + [0.999] * 5), tess("W22380"), page])
    assert sure.value == "N22380"
    assert vote("ods_code", [model("N22380", [0.8] + [0.999] * 5), tess("W22380")]).value == "N22380"
    key = vote("linkage_key", [model("Nx22380abc", [0.8] + [0.999] * 9), tess("Wx22380abc"),
                               Reading("page", "Wx22380abc", [0.5] * 10)])
    assert key.value == "Nx22380abc"
    # Nor where the two Tesseract readings differ from each other.
    apart = vote("account_id", [model("119663", [0.79, 0.61, 0.73, 0.999, 0.999, 0.94]), tess("71657"),
                                Reading("page", "779663", [0.5] * 6)])
    assert apart.value == "119663"


def test_a_figure_the_readers_read_apart_is_flagged_however_sure_the_recogniser():
    # An independent letter's close-up in Century Schoolbook: the recogniser read the ODS code's
    # last `7` as `1`, 0.99 sure; Tesseract read `7`. The key's error table would leave a figure so
    # sure unflagged; an ODS code or account ID is never given out so with two readings apart.
    for fname, read, other in (("ods_code", "Y01381", "YO1387"), ("account_id", "294081", "294087")):
        f = vote(fname, [model(read, [0.999] * 6), tess(other)])
        assert f.value == read and f.needs_review
        assert [(u.index, u.alternatives) for u in f.uncertain] == [(5, ["1", "7"])]
    agreed = vote("ods_code", [model("Y01381", [0.999] * 6), tess("Y01381")])
    assert agreed.uncertain == [] and not agreed.needs_review
    # A reading that fails the format (a photo's account ID read `S76`) says nothing of one figure.
    garbled = vote("account_id", [model("5760384628", [0.999] * 10), tess("S76")])
    assert garbled.uncertain == []
    # Unless only the letter's place fails it (seed 29's close-up, bold Times: `H87929` read
    # `H81929` by the recogniser and `187929` by Tesseract); a letter in a figure's place still fails.
    letter_lost = vote("ods_code", [model("H81929", [0.999] * 6), tess("187929")])
    assert [(u.index, u.alternatives) for u in letter_lost.uncertain] == [(2, ["1", "7"])]
    assert vote("ods_code", [model("H81929", [0.999] * 6), tess("1B7929")]).uncertain == []


def test_in_a_code_in_doubt_every_reading_points_at_the_characters_it_read_apart():
    # Seed 43's clean TeX Gyre Adventor render: the account ID `579732`, its thin `7`s read `1` by the
    # recogniser and by Tesseract on the crop, `7` on the page; the field went to review for its first
    # figure, the wrong ones unnamed. In a code in doubt the page's valid reading points too.
    f = vote("account_id", [model("519132", [0.999] * 6), tess("919132"), Reading("page", "579732", [0.5] * 6)])
    assert f.value == "519132" and f.needs_review
    assert {u.index: u.alternatives for u in f.uncertain} == {0: ["5", "9"], 1: ["1", "7"], 3: ["1", "7"]}
    # An ODS code's letter too (seed 43's blurred Open Sans close-up: `W73712` read `N13112` by the
    # recogniser, unsure of its `1`s; Tesseract's crop reading no code, the page's `W73712`).
    ods = vote("ods_code", [model("N13112", [0.999, 0.6, 0.999, 0.6, 0.999, 0.999]), tess(""),
                            Reading("page", "W73712", [0.5] * 6)])
    assert ods.uncertain[0].index == 0 and ods.uncertain[0].alternatives == ["N", "W"]
    # A code otherwise sure is not put in doubt by the page's reading alone (photos' page readings
    # differ from right codes' crop readings often).
    sure = vote("ods_code", [model("W73712", [0.999] * 6), tess("W73712"), Reading("page", "N73718", [0.5] * 6)])
    assert sure.uncertain == [] and not sure.needs_review


def test_tesseract_agreeing_on_a_plain_stem_or_an_oval_is_no_evidence():
    # Seed 44's clean TeX Gyre Heros render: `7YxDsRl0sWoKS`, the recogniser 0.82 sure of `I` for the
    # `l`, Tesseract agreeing, and the key went out unflagged. Heros draws the two alike.
    probs = [0.999] * 13
    probs[6] = 0.82
    f = vote("linkage_key", [model("7YxDsRI0sWoKS", probs, {6: [("l", 0.17)]}), tess("7YxDsRI0sWoKS")])
    assert f.needs_review and [(u.index, u.alternatives) for u in f.uncertain] == [(6, ["I", "l"])]
    # Nor on an `O` or `0` (seed 53's Go Mono photo: `sXpxI0pxPzVp0UZ` for `...IOpx...pOUZ`, the
    # recogniser 0.86 and 0.93 sure of the zeros, Tesseract agreeing, unflagged).
    probs = [0.999] * 15
    probs[5], probs[12] = 0.86, 0.93
    oval = vote("linkage_key", [model("sXpxI0pxPzVp0UZ", probs), tess("sXpxI0pxPzVp0UZ")])
    assert oval.needs_review and [(u.index, u.alternatives[:2]) for u in oval.uncertain] == [(5, ["0", "O"]), (12, ["0", "O"])]
    # Up to 0.98 (seed 59's Cantarell photo: `vOSWP/PQsOLovu` for `v0SWP...`, 0.967, agreed, unflagged).
    probs = [0.999] * 14
    probs[1] = 0.967
    oval = vote("linkage_key", [model("vOSWP/PQsOLovu", probs), tess("vOSWP/PQsOLovu")])
    assert [(u.index, u.alternatives[:2]) for u in oval.uncertain] == [(1, ["O", "0"]), (9, ["O", "0"])]  # the key's other `O` too
    probs[1] = 0.985
    assert vote("linkage_key", [model("vOSWP/PQsOLovu", probs), tess("vOSWP/PQsOLovu")]).uncertain == []
    # Any other look-alike so sure, agreed, stays unflagged (0 of 310 wrong on held-out renders).
    probs = [0.999] * 13
    probs[2] = 0.82
    other = vote("linkage_key", [model("7YxDsRI0sWoKS", probs, {2: [("X", 0.17)]}), tess("7YxDsRI0sWoKS")])
    assert other.uncertain == []
    # And a sure `I` stays sure.
    sure = vote("linkage_key", [model("7YxDsRI0sWoKS", [0.999] * 13), tess("7YxDsRI0sWoKS")])
    assert sure.uncertain == [] and not sure.needs_review


def test_characters_the_page_read_past_an_end_of_the_crops_reading_are_pointed_at():
    # Seed 46's close-up (Nimbus Mono): the label's word box reached over the key's first glyphs `ml`,
    # the crop began after them, every reading of the crop agreed on `OiPVsvUO0ZrS`, and the key went
    # out unflagged. The page's reading, `MLOIPVsvUOOZrs`, had two characters more before it.
    crop = "OiPVsvUO0ZrS"
    page = Reading("page", "MLOIPVsvUOOZrs", [0.5] * 14)
    f = vote("linkage_key", [model(crop, [0.999] * 12), tess(crop), page])
    assert f.needs_review and f.uncertain[0].index == 0 and "MLO" in f.uncertain[0].alternatives
    after = vote("linkage_key", [model(crop, [0.999] * 12), tess(crop), Reading("page", crop + "x7", [0.5] * 14)])
    assert [u.index for u in after.uncertain] == [11] and "Sx7" in after.uncertain[0].alternatives
    # A page reading no longer (its case and look-alikes apart), one with a rule read `-`, or one
    # with Tesseract's second reading of the end glyph (`Uu` for `u`: the samples' scan_011) adds nothing.
    for other in ("OIPVSVUOOZRS", crop + "-", "|" + crop, "o" + crop, crop + "5"):
        same = vote("linkage_key", [model(crop, [0.999] * 12), tess(crop), Reading("page", other, [0.5] * 13)])
        assert same.uncertain == [] and not same.needs_review, other


def test_no_valid_reading_gives_no_value():
    f = vote("ods_code", [model("HELLO", [0.99] * 5), tess("HELLO")])
    assert f.value is None and f.needs_review


def test_a_character_no_format_allows_takes_what_another_reading_has_in_its_place():
    # Sample photo_010, blurred: the recogniser read the ODS code's `N` as `1` (no letter among its
    # alternatives), Tesseract's crop reading gave nothing, the page's `Nu33459`: no reading fits
    # alone. The page's `N` in the `1`'s place fits, and is flagged, with `U` as the other option.
    page = Reading("page", "Nu33459", [0.5] * 7)
    f = vote("ods_code", [model("133459", [0.34, 1.0, 1.0, 1.0, 0.99, 0.94], {0: [("2", 0.24), ("A", 0.02)]}),
                          tess(""), page])
    assert f.value == "N33459"
    assert f.needs_review and f.confidence <= 0.75
    assert f.uncertain[0].index == 0 and f.uncertain[0].alternatives[:2] == ["N", "U"]
    # Two characters off, no reading with a fitting character in that place, or two characters for
    # one in an account ID (a figure may be lost): nothing is made up.
    assert vote("ods_code", [model("1334x9", [0.9] * 6), tess(""), page]).value is None
    assert vote("account_id", [model("96077x0741", [0.9] * 10), tess("96077y0741")]).value is None
    assert vote("account_id", [model("96077x0741", [0.9] * 10), tess("96077790y41")]).value is None
    # The linkage key is never stitched: any text fits its alphabet.
    assert vote("ods_code", [page]).value is None


def test_a_letter_in_a_digit_place_becomes_the_digit_the_readers_saw_there():
    # A blurred photo (sample photo_010): the recogniser read the account's first `9` as `S`, with
    # `9` a close second; Tesseract read `9`.  The look-alike table alone would say `5`.
    probs = [0.585] + [0.99] * 9
    seen = model("S607710741", probs, {0: [("9", 0.93), ("5", 0.1)]})
    f = vote("account_id", [seen, tess("9607710741")])
    assert f.value == "9607710741"
    assert f.needs_review and f.uncertain[0].index == 0
    assert f.uncertain[0].alternatives[:2] == ["9", "5"]
    # The recogniser's alternative alone is evidence enough; with none, the table's choice stands.
    assert vote("account_id", [seen]).value == "9607710741"
    g = vote("account_id", [model("S607710741", probs)])
    assert g.value == "5607710741" and g.uncertain[0].alternatives[:2] == ["5", "S"]
    # An ODS code's letter place: a figure read there becomes the letter Tesseract saw.
    h = vote("ods_code", [model("833459", [0.5] + [0.99] * 5, {0: [("N", 0.3)]}), tess("N33459")])
    assert h.value == "N33459" and h.needs_review


@pytest.fixture(scope="module")
def rendered_keys():
    fonts = linegen.available(linegen.HELDOUT_FONTS)
    if len(fonts) < 6:
        pytest.skip("held-out fonts not installed")
    return linegen.eval_set(777, fonts, 80, degrade=True, kind="key")


def test_vote_on_fresh_renders_is_rarely_silently_wrong(rendered_keys):
    """Degraded renders in fonts the recogniser never saw, read by the recogniser alone (no
    second opinion) with the glyph-shape verdicts: wrong keys must nearly all be flagged.  tools/vote_table.py measures the
    full vote on 1,600 lines (0.12 % silent-wrong)."""
    rec = get_recognizer()
    silent = right = 0
    for img, truth, _ in rendered_keys:
        model = _from_recognizer(rec, img)
        f = vote("linkage_key", model, look_alikes(img, model[0].text, model[0].centers) if model else None)
        truth = truth.replace(" ", "")
        right += f.value == truth
        silent += f.value != truth and not f.needs_review
    assert right >= 0.5 * len(rendered_keys)
    assert silent <= 1, f"{silent} wrong keys not flagged"


def _page_with(text: str, x: int = 40, y: int = 60) -> "np.ndarray":
    page = np.full((100, 900), 255, np.uint8)
    cv2.putText(page, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2, cv2.LINE_AA)
    return page


def _ink_columns(img: "np.ndarray") -> tuple[int, int]:
    cols = np.where((img < 128).any(axis=0))[0]
    return int(cols.min()), int(cols.max())


def test_value_crop_carries_on_while_the_ink_does():
    page = _page_with("3123170246")
    first, last = _ink_columns(page)
    # OCR's word box stopped two digits short (e.g. at a panel's edge).
    cut_short = Box(first, 30, first + int(0.8 * (last - first)), 62)
    crop = crop_value(page, cut_short, 1.0)
    assert crop.shape[1] >= last - first, "the digits past the box were left out"
    # ...but not into the next word after a word gap.
    page2 = _page_with("3123170246      NEXT")
    crop2 = crop_value(page2, cut_short, 1.0)
    assert crop2.shape[1] < 1.3 * (last - first)


def test_value_crop_carries_on_past_stems_far_beyond_a_short_word_box_and_on_a_dark_cell():
    # A scanned email's key in Liberation Mono: Tesseract boxed only its first two characters as a
    # word, and the crop stopped at a monospaced `M` whose stem fills the line's middle (taken for a
    # rule) and, past that, 8 text heights on; so the key came out four characters short.
    page = np.full((100, 1400), 255, np.uint8)
    cv2.putText(page, "9SrSVyxwYMMIIHNR4G", (40, 60), cv2.FONT_HERSHEY_PLAIN, 2.6, 0, 3, cv2.LINE_AA)
    first, last = _ink_columns(page)
    assert 40 + 8 * 32 < last - first < 40 + 16 * 32, "the setting no longer tests what it says"
    two = Box(first, 30, first + 40, 62)
    assert crop_value(page, two, 1.0).shape[1] >= last - first, "the crop stopped before the key's end"
    # A box's side leaning in a tilted photo ends it though (the next box's value follows).
    boxed = page.copy()
    cv2.line(boxed, (last + 16, 0), (last + 36, 99), 0, 3)
    cv2.putText(boxed, "1269901538850", (last + 60, 60), cv2.FONT_HERSHEY_PLAIN, 2.6, 0, 3, cv2.LINE_AA)
    assert last - first <= crop_value(boxed, two, 1.0).shape[1] < last + 36 - first
    # The same on a dark cell with white type (white on NHS blue) ends at the cell's edge, no further.
    dark = np.full((100, 1400), 255, np.uint8)
    dark[20:75, 20:1000] = 45
    cv2.putText(dark, "lot/kZ-H97peA", (40, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 255, 2, cv2.LINE_AA)
    cols = np.where((dark[20:75, 30:990] > 128).any(axis=0))[0] + 30
    crop = crop_value(dark, Box(int(cols[0]), 30, int(cols[0]) + 60, 62), 1.0)
    assert int(cols[-1]) - int(cols[0]) <= crop.shape[1] < 1000


def test_value_crop_does_not_cut_the_first_glyph_nor_reach_the_label():
    page = _page_with("Key: | z1XuuOW1ll4")
    z0 = 40 + cv2.getTextSize("Key: | ", cv2.FONT_HERSHEY_SIMPLEX, 1.2, 2)[0][0]
    _, last = _ink_columns(page)
    inked = (page < 128).any(axis=0)
    z_first = z0 - 6 + int(np.argmax(inked[z0 - 6:]))
    # OCR's word box began inside the `z`, as Tesseract's did on a clean render (seed 777's clean_005).
    late = Box(z_first + 16, 30, last, 62)
    crop = crop_value(page, late, 1.0)
    rows = slice(int(30 - 0.22 * 32), int(62 + 0.22 * 32))
    value_ink = int((page[rows, z_first:last + 1] < 128).sum())
    assert (crop[:, :2] > 128).all(), "the crop begins on ink: a cut glyph, the rule or the colon"
    assert int((crop < 128).sum()) == value_ink, "the crop holds more or less than the value's ink"
    # A label's last letter a colon away, crossing the margin before a well-placed box, stays out,
    # and is not cut either: the crop begins past it (a glyph cut in half reads as another).
    tight = _page_with("Key:z1Xuu")
    v0 = 40 + cv2.getTextSize("Key:", cv2.FONT_HERSHEY_SIMPLEX, 1.2, 2)[0][0]
    y_end = 40 + cv2.getTextSize("Key", cv2.FONT_HERSHEY_SIMPLEX, 1.2, 2)[0][0]
    first = v0 - 3 + int(np.argmax((tight < 128).any(axis=0)[v0 - 3:]))
    x0 = int(first - 0.45 * 32)
    assert (tight[rows, x0] < 128).any(), "the setting no longer tests what it says"
    last_tight = _ink_columns(tight)[1]
    crop = crop_value(tight, Box(first, 30, last_tight, 62), 1.0)
    start = int(np.argmax([np.array_equal(crop[:, :8], tight[rows, c:c + 8]) for c in range(x0, first)])) + x0
    assert start >= y_end - 4, "the crop begins inside the label's last letter"
    assert int((crop < 128).sum()) >= int((tight[rows, first:last_tight + 1] < 128).sum()), "value ink lost"


def _spaced_line(text: str, x: int, gap: int, page: "np.ndarray") -> list[tuple[int, int]]:
    """Draw ``text`` one glyph at a time, ``gap`` blank columns between glyphs; their ink spans."""
    spans = []
    for ch in text:
        glyph = np.full(page.shape, 255, np.uint8)
        cv2.putText(glyph, ch, (x, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2, cv2.LINE_AA)
        cols = np.flatnonzero((glyph < 128).any(axis=0))
        shift = x - int(cols[0])
        glyph = np.full(page.shape, 255, np.uint8)
        cv2.putText(glyph, ch, (x + shift, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2, cv2.LINE_AA)
        page[:] = np.minimum(page, glyph)
        spans.append((x, x + int(cols[-1] - cols[0])))
        x = spans[-1][1] + 1 + gap
    return spans


def test_value_crop_walks_back_over_its_own_wide_letter_spaces_and_noise():
    # Seed 96's photo of light bold Pagella on dark cells: blur thinned the type, its letters stood
    # 0.4 glyph heights apart, OCR's word began at the fifth and the key lost its `LF`; seed 96's
    # Noto Serif key lost its `Pc` to a one-pixel speck of noise between the `c` and the `0`.
    page = np.full((100, 1200), 255, np.uint8)
    label = _spaced_line("Key", 40, 3, page)
    spans = _spaced_line("LFtnAuzk", label[-1][1] + 48, 11, page)
    assert 0.2 * 32 < 11 < 48 / 1.5, "the setting no longer tests what it says"
    late = Box(spans[4][0], 30, spans[-1][1], 62)
    rows = slice(int(30 - 0.22 * 32), int(62 + 0.22 * 32))
    value_ink = int((page[rows, spans[0][0]:spans[-1][1] + 1] < 128).sum())
    crop = crop_value(page, late, 1.0)
    assert int((crop < 128).sum()) == value_ink, "the crop lost the letters before OCR's word, or took the label"
    noisy = page.copy()
    noisy[45, spans[1][1] + 5] = 0
    crop = crop_value(noisy, late, 1.0)
    assert int((crop < 128).sum()) >= value_ink, "a pixel of noise ended the walk back"
    # A colon between (two dots, a letter space from each side) is no letter: the walk stops there.
    coloned = page.copy()
    x = spans[1][1] + 4
    cv2.rectangle(coloned, (x, 40), (x + 3, 43), 0, -1)
    cv2.rectangle(coloned, (x, 54), (x + 3, 57), 0, -1)
    crop = crop_value(coloned, late, 1.0)
    assert int((crop < 128).sum()) < value_ink - int((page[rows, spans[0][0]:spans[1][1] + 1] < 128).sum()) + 40


def test_value_crop_never_begins_inside_a_glyph():
    # A photo's `313778` in Lato: OCR began its word at the `1`, a letter space and a hair after the
    # first `3`, which the crop's margin then cut in half; the half read as `1`, with confidence, and
    # the account ID came out `113778`, not flagged. A glyph the margin crosses is never cut: here,
    # nearer the word than any ink before it, it is taken whole as the value's first (it was).
    page = np.full((100, 900), 255, np.uint8)
    cv2.putText(page, "3", (40, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2, cv2.LINE_AA)
    three_end = int(np.flatnonzero((page < 128).any(axis=0))[-1])
    rest = np.full((100, 900), 255, np.uint8)
    cv2.putText(rest, "13778", (0, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2, cv2.LINE_AA)
    bearing = int(np.argmax((rest < 128).any(axis=0)))
    first = three_end + 12  # a letter space (0.3 of the line) and a hair after the `3`
    cv2.putText(page, "13778", (first - bearing, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2, cv2.LINE_AA)
    _, last = _ink_columns(page)
    assert 0.3 * 32 < first - three_end < 0.45 * 32, "the setting no longer tests what it says"
    crop = crop_value(page, Box(first, 30, last, 62), 1.0)
    assert (crop[:, :2] > 128).all(), "the crop begins inside a glyph"
    rows = slice(int(30 - 0.22 * 32), int(62 + 0.22 * 32))
    assert int((crop < 128).sum()) == int((page[rows, :last + 1] < 128).sum()), "the `3` was cut or left out"


def test_value_crop_does_not_begin_in_an_open_glyphs_counter():
    # A clean render's `Organisation code: U20121` in JetBrains Mono: OCR began its word box just
    # past the `U` it read, and the crop's margin before the box ended in the `U`'s open counter,
    # where only the bottom of its bowl, under the line's middle, is ink. The left stem was cut
    # off, the rest read `J20121`, sure, unflagged.
    page = _page_with("code:  U20121")
    u0 = 40 + cv2.getTextSize("code:  ", cv2.FONT_HERSHEY_SIMPLEX, 1.2, 2)[0][0]
    inked = (page < 128).any(axis=0)
    u_first = u0 - 6 + int(np.argmax(inked[u0 - 6:]))
    u_last = u_first + int(np.argmin(inked[u_first:])) - 1
    _, last = _ink_columns(page)
    ys = np.flatnonzero((page[:, u_first:last + 1] < 128).any(axis=1))
    box = Box(u_last + 2, int(ys[0]), last, int(ys[-1]))  # the word's own height, as OCR boxes it
    h = box.y1 - box.y0
    x0 = int(box.x0 - 0.45 * h)
    y0, y1 = int(box.y0 - 0.22 * h), int(box.y1 + 0.22 * h)
    middle = page[y0 + int(0.2 * (y1 - y0)):y0 + int(0.8 * (y1 - y0)), x0]
    assert u_first < x0 < u_last and (page[y0:y1, x0] < 128).any() and (middle > 128).all(), \
        "the setting no longer tests what it says"
    crop = crop_value(page, box, 1.0)
    assert (crop[:, :2] > 128).all(), "the crop begins inside a glyph"
    assert int((crop < 128).sum()) == int((page[y0:y1, u_first:last + 1] < 128).sum()), "the `U` was cut"


def test_value_crop_keeps_a_narrow_first_glyph_of_a_monospaced_value():
    # An independent letter's photo: `Pass phrase: Izsxruot?KlIwWW` in FreeMono. OCR read the `I`
    # but boxed its word from the `z`: the `I`, narrow in its wide cell, ends further from the `z`
    # than a letter space, was taken for the label's, and the key went out unflagged without it.
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/freefont/FreeMono.ttf", 30)
    img = Image.new("L", (700, 80), 255)
    ImageDraw.Draw(img).text((20, 20), "phrase: Izsxruot", font=font, fill=0)
    page = np.array(img)
    inked = (page < 128).any(axis=0)
    runs = np.flatnonzero(np.diff(np.concatenate([[0], inked.astype(int), [0]])))
    starts, ends = runs[::2], runs[1::2]  # one ink run a glyph here (no kerning in a mono face)
    label = len("phrase:")
    colon_end, i_first, i_end, z_first = ends[label - 1], starts[label], ends[label], starts[label + 1]
    ys = np.flatnonzero((page[:, z_first:] < 128).any(axis=1))
    box = Box(z_first, int(ys[0]), int(ends[-1]), int(ys[-1]))
    h = box.y1 - box.y0
    assert z_first - i_end > 0.3 * h and z_first - i_end < i_first - colon_end, \
        "the setting no longer tests what it says"
    crop = crop_value(page, box, 1.0, left_limit=colon_end)
    y0, y1 = int(box.y0 - 0.22 * h), int(box.y1 + 0.22 * h)
    assert int((crop < 128).sum()) == int((page[y0:y1, i_first:] < 128).sum()), "the `I` was left out"


def test_value_crop_from_the_label_keeps_a_wide_set_first_figure_of_a_value_larger_than_its_label():
    # Seed 80's clean render: `Passphrase: 1P4DAa1oDHk5mIme` in Noto Sans, the value larger than
    # its label. OCR read the `1` but boxed its word from the `P`; the `1`, set wide, stands more
    # than a letter space before it. Read again from the label's end, the walk back measured the
    # line's glyphs by the label's lower-case letters, took the `1` and `P` for no glyphs, and the
    # key went out one short. The value's own glyphs are the measure.
    from PIL import Image, ImageDraw, ImageFont

    path = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
    img = Image.new("L", (800, 80), 255)
    draw = ImageDraw.Draw(img)
    draw.text((20, 27), "Passphrase:", font=ImageFont.truetype(path, 19), fill=0)
    colon_end = int(np.flatnonzero((np.array(img) < 128).any(axis=0))[-1])
    draw.text((colon_end + 12, 20), "1P4DAa1oDHk5mIme", font=ImageFont.truetype(path, 28), fill=0)
    page = np.array(img)
    inked = (page < 128).any(axis=0)
    runs = np.flatnonzero(np.diff(np.concatenate([[0], inked.astype(int), [0]])))
    starts, ends = runs[::2], runs[1::2]
    k = int(np.searchsorted(starts, colon_end + 1))
    one, p_first = int(starts[k]), int(starts[k + 1])
    ys = np.flatnonzero((page[:, p_first:] < 128).any(axis=1))
    box = Box(p_first, int(ys[0]), int(ends[-1]), int(ys[-1]))
    h = box.y1 - box.y0
    assert p_first - ends[k] > 0.4 * h, "the setting no longer tests what it says"
    crop = crop_value(page, box, 1.0, left_limit=colon_end, from_label=True)
    y0, y1 = int(box.y0 - 0.22 * h), int(box.y1 + 0.22 * h)
    assert int((crop < 128).sum()) == int((page[y0:y1, one:] < 128).sum()), "the `1` was left out"


def test_a_label_boxed_over_the_values_first_glyph_ends_at_its_colon():
    # Independent seed 123's FreeMono photo: OCR boxed `Key:` into the key's `0` and began the key's
    # box after it, at the `U`; the crop began at the label's box and held the `0`'s right half,
    # which the readers read `J`.  The label ends at its colon: the glyph after it is the value's.
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (700, 80), 255)
    draw = ImageDraw.Draw(img)
    draw.text((20, 24), "Key:", font=ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 24), fill=0)
    colon_end = int(np.flatnonzero((np.array(img) < 128).any(axis=0))[-1])
    draw.text((colon_end + 12, 20), "0UvkcvJGOsWld",
              font=ImageFont.truetype("/usr/share/fonts/truetype/freefont/FreeMono.ttf", 30), fill=0)
    page = np.array(img)
    inked = (page < 128).any(axis=0)
    runs = np.flatnonzero(np.diff(np.concatenate([[0], inked.astype(int), [0]])))
    starts, ends = runs[::2], runs[1::2]
    k = int(np.searchsorted(starts, colon_end + 1))
    zero, zero_end, u_first = int(starts[k]), int(ends[k]), int(starts[k + 1])
    ys = np.flatnonzero((page[:, u_first:] < 128).any(axis=1))
    box = Box(u_first, int(ys[0]), int(ends[-1]), int(ys[-1]))
    label_box_end = (zero + zero_end) // 2  # the label's box reaches halfway into the `0`
    whole = int((crop_value(page, Box(zero, box.y0, box.x1, box.y1), 1.0, left_limit=colon_end + 1) < 128).sum())
    crop = crop_value(page, box, 1.0, left_limit=label_box_end)
    assert int((crop < 128).sum()) == whole, "the `0` was cut or the colon kept"
    # Without a colon, the label's box still bounds the crop as before.
    plain = page.copy()
    plain[:, colon_end - 6:colon_end + 1] = 255
    assert int((crop_value(plain, box, 1.0, left_limit=label_box_end) < 128).sum()) < whole


def test_light_type_in_a_dark_cell_boxed_with_the_rule_under_it_is_cut_to_its_glyphs():
    # Seed 81's photo: an ODS code, light on a dark cell of a light page, boxed down over the light
    # rule under its cell into the next; the crop held the rule, and the recogniser read `T0a2s0`
    # for `Q82801`. Its glyphs are the light blobs: the box is cut to their rows.
    from PIL import Image, ImageDraw, ImageFont

    from scanner.reading import _to_glyphs

    img = Image.new("L", (600, 300), 235)
    draw = ImageDraw.Draw(img)
    draw.rectangle((100, 100, 420, 160), fill=45)
    draw.rectangle((100, 165, 420, 200), fill=45)  # the next cell, a light rule between
    draw.text((120, 118), "Q82801", font=ImageFont.truetype(
        "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 26), fill=225)
    page = np.array(img)
    rows = np.flatnonzero((page[102:159, 110:400] > 128).any(axis=1)) + 102
    cut = _to_glyphs(page, Box(115, 104, 230, 185), 1.0)
    assert (cut.y0, cut.y1) == (rows[0], rows[-1] + 1)
    # Dark type on the light page, boxed as loosely, was cut so before, and still is.
    plain = np.full((300, 600), 235, np.uint8)
    plain[100:161] = 255 - page[100:161] + 20
    assert _to_glyphs(plain, Box(115, 104, 230, 185), 1.0).y1 < 150


def test_a_box_reaching_up_to_a_ragged_cell_edge_is_cut_to_its_glyphs_descenders_and_all():
    # Seed 136's photo of dark cells, read with the cells inverted: OCR boxed the key from the
    # cell's ragged top edge down to its descenders; the glyphs, the `q` and `/` with them, fill
    # 0.56 of that box.  Kept as boxed, the crop held the edge and the cell's side, read `f1A6I...`
    # for `lA6I...`, and the key lost its first group.
    from PIL import Image, ImageDraw, ImageFont

    from scanner.reading import _to_glyphs

    img = Image.new("L", (700, 300), 230)
    draw = ImageDraw.Draw(img)
    draw.text((120, 123), "lA6IEzV7fX/qT", font=ImageFont.truetype(
        "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf", 30), fill=40)
    rows = np.flatnonzero((np.array(img)[110:200, 100:600] < 128).any(axis=1)) + 110
    top = int(rows[0]) - 18
    for x in range(90, 560, 18):
        draw.line((x, top + 3, x + 11, top), fill=60, width=3)  # the inverted cell's ragged edge
    box = Box(118, top, 420, int(rows[-1]) + 1)
    assert 0.55 < (rows[-1] + 1 - rows[0]) / box.h < 0.7, "the setting no longer tests what it says"
    cut = _to_glyphs(np.array(img), box, 1.0)
    assert (cut.y0, cut.y1) == (rows[0], rows[-1] + 1)


def test_value_crop_keeps_a_descender_ocr_boxed_the_word_without():
    # Seed 79's clean render, white Cantarell on a dark cell: OCR boxed `7rRCsBS17jTuY` down to the
    # baseline, the crop's margin cut the `j`'s tail off, and both readers read `i`, unflagged.
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/freefont/FreeSans.ttf", 24)
    img = Image.new("L", (500, 90), 40)
    ImageDraw.Draw(img).text((20, 25), "7rRCsBS17jTuY", font=font, fill=235)
    page = np.array(img)
    ink = page > 128
    cols, rows = np.flatnonzero(ink.any(axis=0)), np.flatnonzero(ink.any(axis=1))
    baseline = int(np.flatnonzero(ink[:, cols[0]:cols[0] + 8].any(axis=1))[-1])  # the `7`'s foot
    box = Box(int(cols[0]), int(rows[0]), int(cols[-1]), baseline)
    h = box.y1 - box.y0
    assert rows[-1] > baseline + 0.22 * h, "the setting no longer tests what it says"
    crop = crop_value(page, box, 1.0)
    assert int((crop > 128).sum()) == int(ink.sum()), "the `j`'s tail was cut off"
    assert crop.shape[0] < 2 * h, "the crop ran on below the line"
    # A stroke much taller than a glyph (seed 67's close-up: the photo's curled page edge beside the
    # key, begun in its line and running far below) is no descender to follow.
    edged = page.copy()
    edged[int(rows[0]) + 3:, int(cols[0]) - 4:int(cols[0]) - 2] = 235
    assert crop_value(edged, box, 1.0).shape[0] == crop.shape[0]


def test_a_label_boxed_a_little_over_its_value_still_bounds_the_crop():
    # Seed 78 photo_020, FreeMono tilted 12°: OCR boxed `Key:` 3 px into the key's box, the label
    # was taken for no bound at all, and the crop walked back over its monospaced letters: every
    # reader read `KeyVwz0pqnkuIIfZx`.  A small overlap still bounds the crop: at the value's box.
    from PIL import Image, ImageDraw, ImageFont

    from scanner.extract import Candidate
    from scanner.ocr import Word
    from scanner.pipeline import value_left_limit

    font = ImageFont.truetype("/usr/share/fonts/truetype/freefont/FreeMono.ttf", 30)
    img = Image.new("L", (700, 80), 255)
    draw = ImageDraw.Draw(img)
    draw.text((20, 20), "Key:", font=font, fill=0)
    label_end = int(np.flatnonzero((np.array(img) < 128).any(axis=0))[-1])
    draw.text((label_end + 4, 20), "Vwz0pqnkuIIfZx", font=font, fill=0)  # set tight after the colon
    page = np.array(img)
    inked = (page < 128).any(axis=0)
    first = label_end + 1 + int(np.argmax(inked[label_end + 1:]))
    ys = np.flatnonzero((page[:, first:] < 128).any(axis=1))
    box = Box(first, int(ys[0]), int(np.flatnonzero(inked)[-1]), int(ys[-1]))
    word = Word(text="Vwz0pqnkuIIfZx", conf=90, box=box, line=0)

    def candidate(label_x1: int) -> Candidate:
        return Candidate(field="linkage_key", text=word.text, box=box, words=(word,), found_by="label",
                         where="right", score=2.8, label_box=Box(20, box.y0, label_x1, box.y1))

    value_ink = int((page[:, first:] < 128).sum())
    assert int((crop_value(page, box, 1.0) < 128).sum()) > value_ink, "the setting no longer tests what it says"
    crop = crop_value(page, box, 1.0, value_left_limit(candidate(first + 3)))
    assert int((crop < 128).sum()) == value_ink, "the crop holds the label's ink or lost the value's"
    # A label box reaching well over the value is no bound (OCR's box of it is wrong, not the value's).
    assert value_left_limit(candidate(first + box.h)) is None
    assert value_left_limit(candidate(label_end + 1)) == label_end + 1


def test_value_crop_begins_after_the_label_before_it_on_its_line():
    # An email's `Linkage Key: tkwBb4wvCKxKX`, one space between: the crop's margin before the value
    # held the label's `ey:`, read into the key as `eytkw...`. Where the label ends bounds it.
    page = _page_with("Key:")
    label_end = int(np.flatnonzero((page < 128).any(axis=0))[-1]) + 1
    cv2.putText(page, "tkwBb4wvCKxKX", (label_end + 6, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2, cv2.LINE_AA)
    inked = (page < 128).any(axis=0)
    first = label_end + 2 + int(np.argmax(inked[label_end + 2:]))
    _, last = _ink_columns(page)
    box = Box(first, 30, last, 62)
    assert (crop_value(page, box, 1.0)[:, :4] < 128).any(), "the setting no longer tests what it says"
    crop = crop_value(page, box, 1.0, left_limit=label_end)
    rows = slice(int(30 - 0.22 * 32), int(62 + 0.22 * 32))
    assert int((crop < 128).sum()) == int((page[rows, label_end + 1:last + 1] < 128).sum()), "label ink in the crop"
    assert crop.shape[1] >= last - first


def test_a_poorly_read_key_has_every_look_alike_flagged():
    # Half the characters in doubt: the picture of the key is poor, and a look-alike read with
    # confidence (the `O` at 2, the `l` at 9) is flagged too; a key with one doubt is not so treated.
    text = "v2OowVoo4Vl6ooO"
    probs = [0.99, 0.5, 0.999, 0.5, 0.5, 0.99, 0.5, 0.5, 0.999, 0.999, 0.5, 0.999, 0.5, 0.5, 0.999]
    f = vote("linkage_key", [model(text, probs)])
    flagged = {u.index for u in f.uncertain}
    assert {2, 9, 14} <= flagged and 8 not in flagged and 11 not in flagged  # `4` and `6` look like nothing
    assert "0" in next(u for u in f.uncertain if u.index == 2).alternatives
    one = vote("linkage_key", [model(text, [0.999] * 3 + [0.5] + [0.999] * 11)])
    assert {u.index for u in one.uncertain} == {3, 6, 7, 12, 13}  # the doubtful `o`, and the key's other `o`s


def test_a_key_mostly_in_doubt_has_every_character_flagged():
    # Seed 30's close-up of a faux-bold PT Mono key: 9 of its 13 characters in doubt (11 with the
    # look-alikes), and its two `4`s, read `A` by the recogniser, sure, were not flagged (an `A` looks like
    # no other key character).  With 60 % in doubt, every character is; with fewer, the look-alikes.
    text = "tAAnPK12Nyb1Z"
    probs = [0.5, 0.999, 0.999] + [0.5] * 8 + [0.999] * 2
    f = vote("linkage_key", [model(text, probs)])
    assert {u.index for u in f.uncertain} == set(range(13))
    half = vote("linkage_key", [model(text, [0.5, 0.999, 0.999] + [0.5] * 5 + [0.999] * 5)])
    assert {1, 2} & {u.index for u in half.uncertain} == set()


class _CountingEngine:
    """The real Tesseract engine, counting its single-line reads."""

    def __init__(self) -> None:
        self.engine = get_engine()
        self.lines = 0

    def line(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        self.lines += 1
        return self.engine.line(*args, **kwargs)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.engine, name)


class _CountingRecognizer:
    """The real key recogniser, counting the looks it reads."""

    def __init__(self) -> None:
        self.rec = get_recognizer()
        self.looks = 0

    def read_batch(self, lines, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        self.looks += len(lines)
        return self.rec.read_batch(lines, *args, **kwargs)


def test_a_sure_code_the_page_reading_agrees_with_is_not_read_again():
    page = _page_with("3123170246")
    first, last = _ink_columns(page)
    box, rec = Box(first, 30, last, 62), _CountingRecognizer()
    eng = _CountingEngine()
    f, _, _ = read_value("account_id", page, box, 1.0, "3123170246", eng, rec)
    # The crop as cut, read surely as the page has it: one look, no line read.
    assert (f.value, f.needs_review, eng.lines, rec.looks) == ("3123170246", False, 0, 1)
    # The page's reading differs (a 0 read as 6): all five looks, and Tesseract reads the line itself.
    f, _, _ = read_value("account_id", page, box, 1.0, "3123176246", eng, rec)
    assert eng.lines == 1 and rec.looks == 1 + 5 and f.value == "3123170246"
    # ... and so it does when the page's reading needed a repair to fit the format (O for 0).
    read_value("account_id", page, box, 1.0, "31231702O6", eng, rec)
    assert eng.lines == 2
    # A linkage key is always read by both, whatever the page said.
    read_value("linkage_key", page, box, 1.0, "3123170246", eng, rec)
    assert eng.lines == 3


SLANT_KEYS = ["tTALtBP3rLR16", "KjwzyFSEUAGj4", "QAkP7SUrfsQ1l", "vVGO567gV6fvPb", "0dw1f1p4a/2!35", "x7RmKq2WbN4e",
              "Hs8uFz3pLw9T"]


@pytest.mark.parametrize("font", ["LiberationSans-Italic.ttf", "DejaVuSans-Oblique.ttf"])
def test_an_italic_value_is_set_upright_before_it_is_read(font):
    # An independent generator's close-ups printed values in italic faces: the recogniser, which
    # learned upright letters, read a Roboto Condensed Italic key as 15 doubtful characters of nonsense.
    if not linegen.available([font]):
        pytest.skip(f"{font} not installed")
    rec = get_recognizer()
    raw = straight = 0
    for i, key in enumerate(SLANT_KEYS):
        img = linegen.render_line(key, font, 28, random.Random(i), degrade=False)
        raw += _from_recognizer(rec, img)[0].text == key
        straight += _from_recognizer(rec, upright(img))[0].text == key
    assert straight >= len(SLANT_KEYS) - 1 and straight > raw + 2


def test_a_value_on_a_letter_in_italics_is_set_upright_at_a_slighter_slant():
    # Seed 64's close-up: a Lato Italic key `2r06YI9hzeX67X1R`, blurred; set upright, the ink's columns
    # were only 8 % peakier (10 % is asked), so it was read as it leans: `2r06Y/9zeX67X1R`, the `h`
    # dropped; its account ID and ODS code had been set upright (17 and 14 % peakier); seed 69's Go
    # Mono Italic key, 2.7 % peakier. Asking 3 % of every value sheared upright `7`s, `V`s and `W`s;
    # on a value on a letter whose other codes leant, any gain sets most blurred italic keys
    # upright, and they read better.
    fonts = ["Lato-Italic.ttf", "Carlito-Italic.ttf", "Go-Italic.ttf", "texgyreheros-italic.otf", "Roboto-Italic.ttf",
             "LinBiolinum_RI.otf"]
    if not linegen.available(fonts):
        pytest.skip("italic faces not installed")
    rec = get_recognizer()
    renders = [(key, linegen.render_line(key, font, cap, random.Random(100 * i + cap), degrade=True))
               for font in fonts for i, key in enumerate(SLANT_KEYS) for cap in (16, 22, 30)]
    alone = [(key, upright(img)) for key, img in renders]
    italic = [(key, upright(img, SLANT_GAIN_ITALIC)) for key, img in renders]
    assert sum(u is not img for (_, img), (_, u) in zip(renders, alone)) < 0.5 * len(renders)
    assert sum(u is not img for (_, img), (_, u) in zip(renders, italic)) >= 0.7 * len(renders)
    read_alone = sum(_from_recognizer(rec, u)[0].text == key for key, u in alone)
    read_italic = sum(_from_recognizer(rec, u)[0].text == key for key, u in italic)
    assert read_italic >= 0.65 * len(renders) and read_italic > read_alone + 5
    # The figures' codes tell the letter's slant: ``read_value`` gives the slant it took out.
    img = linegen.render_line("7306215002", "texgyreheros-italic.otf", 30, random.Random(1), degrade=False)
    box = _line_box(img, *_ink_columns(img))
    f, _, lean = read_value("account_id", img, box, 1.0, "7306215002", get_engine(), rec)
    assert f.value == "7306215002" and lean.taken >= SLANT_MIN and leans_italic([lean])
    page, starts, ends = _mono_line("7306215002")
    f, _, lean = read_value("account_id", page, _line_box(page, starts[0], ends[-1]), 1.0, "7306215002", get_engine(), rec)
    assert f.value == "7306215002" and lean.taken == 0 and not leans_italic([lean])


def test_a_letter_whose_figures_codes_both_lean_a_little_is_in_italics():
    # Seed 144's blurred bold italic Pagella close-up: its ODS code and account ID 6.6 and 8.1 %
    # peakier set upright (10 % is asked of a code alone), so the key, 5.5 %, was read as it leant:
    # `1XC0Y967?oz/x` for `1XC0I961?ozlx`.  Both codes leaning forward is the letter's evidence.
    upright_faces = ["LiberationSans-Regular.ttf", "LiberationMono-Regular.ttf", "NimbusRoman-Regular.otf",
                     "DejaVuSansMono.ttf", "texgyreheros-regular.otf", "Go-Mono.ttf", "FiraCode-Bold.ttf"]
    italic_faces = ["Lato-Italic.ttf", "Carlito-Italic.ttf", "Go-Italic.ttf", "texgyreheros-italic.otf",
                    "Roboto-Italic.ttf", "texgyrepagella-bolditalic.otf"]
    if not linegen.available(upright_faces + italic_faces):
        pytest.skip("faces not installed")
    codes = [("M88956", "0155941791"), ("A81001", "6494547123"), ("Y02906", "1195029928"), ("N61426", "2952567718")]

    def leans(font: str) -> list[list]:
        return [[set_upright(linegen.render_line(code, font, cap, random.Random(10 * i + cap), degrade=True))[1]
                 for code in pair] for i, pair in enumerate(codes) for cap in (16, 22, 30)]

    assert not any(leans_italic(pair) for font in upright_faces for pair in leans(font))
    italic = [pair for font in italic_faces for pair in leans(font)]
    by_lean = sum(leans_italic(pair) for pair in italic)
    by_either_alone = sum(leans_italic(pair[:1]) or leans_italic(pair[1:]) for pair in italic)
    assert by_lean >= by_either_alone + 5  # (31 and 24 of 72 when written)


def test_a_key_that_leans_a_little_is_read_both_ways_and_the_surer_kept(monkeypatch):
    # Seed 150's close-up: only the key's cell was oblique (DejaVu Sans), its ink's columns 9.9 %
    # peakier set upright (10 % is asked of a value alone), the figures' codes upright: read as it
    # leant, `/6t7KhfLModpXbKB`, its `/` 0.99 sure; set upright, right and 0.993 sure.  A key that
    # leans less clearly is read both ways: the surer reading is kept, pointed at where they differ.
    fonts = ["DejaVuSans-Oblique.ttf", "Lato-Italic.ttf", "Roboto-Italic.ttf", "texgyreheros-italic.otf"]
    if not linegen.available(fonts):
        pytest.skip("italic faces not installed")
    rec, engine = get_recognizer(), get_engine()
    leaning = []
    for font in fonts:
        for i, key in enumerate(SLANT_KEYS + ["j6t7KhFLModpXbKB"]):
            for cap in (16, 22, 30):
                img = linegen.render_line(key, font, cap, random.Random(100 * i + cap), degrade=True)
                lean = set_upright(img)[1]
                if not lean.taken and lean.slant >= SLANT_MIN and lean.gain >= LEAN_GAIN:
                    leaning.append((key, img, _line_box(img, *_ink_columns(img))))
    assert len(leaning) >= 15  # (30 of 132 when written: 22 read right both ways, 13 as cut; 2 and 8 wrong unpointed)

    def outcomes() -> tuple[int, int]:
        right = unpointed = 0
        for key, img, box in leaning:
            f = read_value("linkage_key", img, box, 1.0, key, engine, rec)[0]
            right += f.value == key
            doubted = {u.index for u in f.uncertain}
            unpointed += f.value != key and not (f.needs_review and f.value is not None and len(f.value) == len(key)
                                                 and all(i in doubted for i, c in enumerate(f.value) if c != key[i]))
        return right, unpointed

    both_ways, wrong_unpointed = outcomes()
    monkeypatch.setattr(reading, "LEAN_GAIN", 9.0)  # read only as it leans
    as_cut, as_cut_unpointed = outcomes()
    assert both_ways >= as_cut + 5 and wrong_unpointed < as_cut_unpointed, (both_ways, as_cut, wrong_unpointed,
                                                                             as_cut_unpointed)


def test_a_leaning_key_read_on_past_its_groups_is_read_both_ways_too(monkeypatch):
    # The wider crop of a key OCR read in fewer groups than are printed (``read_value`` reads on past
    # group spaces) was read only as it leant, where its first crop was read both ways.  Keys printed
    # in groups four or five spaces apart, OCR's box and reading holding the first three: every cut
    # of a key is read the same way now (on 154 such renders in eight italic faces, 54 -> 99 right).
    fonts = linegen.available(["DejaVuSans-Oblique.ttf", "Lato-Italic.ttf", "Roboto-Italic.ttf",
                               "texgyreheros-italic.otf", "LiberationSans-Italic.ttf"])
    if len(fonts) < 3:
        pytest.skip("italic faces not installed")
    rec, engine = get_recognizer(), get_engine()
    cases = []
    for font in fonts:
        for i, key in enumerate(SLANT_KEYS + ["j6t7KhFLModpXbKB"]):
            groups = [key[k:k + 4] for k in range(0, len(key), 4)]
            for cap, spaces in ((16, 4), (22, 5), (30, 4)):
                img = linegen.render_line((" " * spaces).join(groups), font, cap,
                                          random.Random(100 * i + cap + spaces), degrade=True)
                lean = set_upright(img)[1]
                cols = np.flatnonzero((img < 128).any(axis=0))
                gaps = np.flatnonzero(np.diff(cols) > 0.6 * cap)  # the group spaces
                if not lean.taken and lean.slant >= SLANT_MIN and lean.gain >= LEAN_GAIN and len(gaps) >= 3:
                    cases.append((key, img, _line_box(img, int(cols[0]), int(cols[gaps[2]])), " ".join(groups[:3])))
    assert len(cases) >= 15, len(cases)

    def right() -> int:
        return sum(read_value("linkage_key", img, box, 1.0, ocr, engine, rec)[0].value == key
                   for key, img, box, ocr in cases)

    both_ways = right()
    monkeypatch.setattr(reading, "LEAN_GAIN", 9.0)  # read only as it leans
    assert both_ways >= right() + 0.15 * len(cases), both_ways


def test_an_upright_code_its_diagonals_lean_is_read_as_printed_too():
    # Seed 160's clean Cantarell Bold render: the ODS code `V77674`, its `V` and `7`s all diagonals,
    # was 11 % peakier sheared 0.35 and so set upright on its own, and read `N11614`.  A value set
    # upright on its own is read as printed too, the surer reading kept (and flagged where the two
    # differ).  (Renders of such codes in upright faces set upright so: 64 -> 223 of 226 right; in
    # italic faces, values set upright right 208 -> 208, wrong and unflagged 11 -> 5.)
    fonts = linegen.available(["Roboto-Regular.ttf", "URWGothic-Book.otf", "OpenSans-Regular.ttf",
                               "RobotoCondensed-Regular.ttf", "Roboto-Light.ttf"])
    if len(fonts) < 3:
        pytest.skip("upright faces not installed")
    rec, engine = get_recognizer(), get_engine()
    sheared = right = 0
    for font in fonts:
        for i, (fname, code) in enumerate([("ods_code", "V77674"), ("ods_code", "W77471"), ("ods_code", "Y47777"),
                                           ("account_id", "777747474"), ("account_id", "747477747")]):
            for cap in (16, 22, 30):
                img = linegen.render_line(code, font, cap, random.Random(10 * i + cap), degrade=bool(cap % 2))
                if not set_upright(img)[1].taken:
                    continue
                sheared += 1
                cols = _ink_columns(img)
                right += read_value(fname, img, _line_box(img, *cols), 1.0, code, engine, rec)[0].value == code
    assert sheared >= 8, sheared  # (the setting tests what it says: upright codes set upright)
    assert right >= 0.9 * sheared, (right, sheared)


@pytest.mark.parametrize("font", ["LiberationSans-Regular.ttf", "LiberationMono-Regular.ttf", "NimbusRoman-Regular.otf",
                                  "DejaVuSansMono.ttf"])
def test_upright_print_is_never_sheared(font):
    if not linegen.available([font]):
        pytest.skip(f"{font} not installed")
    for i, key in enumerate(SLANT_KEYS + ["M88956", "0155941791", "6494547123"]):
        for cap, degrade in ((18, True), (28, False), (40, True)):
            img = linegen.render_line(key, font, cap, random.Random(i), degrade=degrade)
            assert upright(img) is img, (font, key, cap)


def test_an_extra_character_tesseract_reads_is_no_dropped_one_when_the_glyphs_are_counted():
    # Independent seed 14's photo_023: Tesseract read `38di...` where the recogniser read `3di...`,
    # sure of both; the crop holds as many glyphs as the recogniser read characters, so none was
    # dropped (Tesseract read the `3` twice) and the key needs no review.  Where the crop holds one
    # glyph more, or the extra character is the one beside it again (a double letter read once,
    # whose glyphs may touch), the spot is still flagged.  (Glyphs that touch, DejaVu Sans's `KY`,
    # count as one: then nothing is said.)
    from scanner.shapes import glyphs_as_many_as

    crop = linegen.render_line("3diCqYZOxyow6", "LiberationSans-Regular.ttf", 28, random.Random(3), degrade=False)
    assert glyphs_as_many_as(crop, "3diCqYZOxyow6")
    assert not glyphs_as_many_as(crop, "3diCqYZOxyw6")  # one glyph more than read: a character dropped
    readings = [model("3diCqYZOxyow6", [0.999] * 13), tess("38diCqYZOxyow6")]
    assert vote("linkage_key", readings).needs_review  # uncounted: the extra `8` may be a dropped one
    assert not vote("linkage_key", readings, counted=lambda: True).needs_review
    star = [model("Me3bkC+*fKYvB", [0.999] * 13), tess("Me3bkC+**fKYvB")]
    assert vote("linkage_key", star, counted=lambda: True).needs_review  # the same glyph again: maybe a double
    doubled = [model("ecr4jkfzGWEf", [0.999] * 12), tess("ecr4jjkfzGWEf")]
    jj = linegen.render_line("ecr4jjkfzGWEf", "LiberationSans-Regular.ttf", 28, random.Random(4), degrade=False)
    assert not glyphs_as_many_as(jj, "ecr4jkfzGWEf")
    assert vote("linkage_key", doubled, counted=lambda: glyphs_as_many_as(jj, "ecr4jkfzGWEf")).needs_review
    # Counted, the extra character is another reading of the glyph beside it: an `S` the recogniser
    # was 0.81 sure of, Tesseract reading `S5` (independent seed 5's photo_021: the glyph was a `5`),
    # is in doubt with `5` as its other reading; a sure one keeps its reading.
    probs = [0.999] * 13
    probs[10] = 0.81
    unsure = vote("linkage_key", [model("oQcB3PN8HYSyu", probs), tess("oQcB3PN8HYS5yu")], counted=lambda: True)
    assert [(u.index, u.alternatives[:2]) for u in unsure.uncertain] == [(10, ["S", "5"])]
    sure = vote("linkage_key", [model("oQcB3PN8HYSyu", [0.999] * 13), tess("oQcB3PN8HYS5yu")], counted=lambda: True)
    assert not sure.needs_review


def test_an_extra_character_two_readings_have_is_flagged_however_the_glyphs_count():
    # Independent seed 29's close-up: a Lato `AJ` whose glyphs touch, so the crop counts as many
    # glyphs as the recogniser's vote read characters without the `J`; Tesseract and two of the
    # five looks read the `J`.  One reading with the extra character is one glyph read twice, as
    # above; two are a character perhaps dropped: the spot is flagged, the `J` offered.
    from scanner.shapes import glyphs_as_many_as

    if not linegen.available(["Lato-Bold.ttf"]):
        pytest.skip("Lato-Bold.ttf not installed")
    crop = linegen.render_line("PQFSBhl9rDcQAJ", "Lato-Bold.ttf", 60, random.Random(0), degrade=False)
    short = "PQFSBhl9rDcQA"
    assert glyphs_as_many_as(crop, short)  # the `AJ` touch: one glyph fewer counted
    voted = model(short, [0.999] * 13)
    look = Reading("model-look", short + "J", [0.99] * 14)
    counted = lambda: glyphs_as_many_as(crop, short)  # noqa: E731
    one = vote("linkage_key", [voted, tess(short + "J")], counted=lambda: True)
    assert not one.needs_review
    two = vote("linkage_key", [voted, tess(short + "J"), look], counted=counted)
    assert two.needs_review
    assert any(u.index == 12 and "AJ" in u.alternatives for u in two.uncertain), two.uncertain


def _mono_line(text: str, size: int = 30) -> tuple["np.ndarray", list[int], list[int]]:
    """``text`` in DejaVu Sans Mono on a white page, and where each glyph's ink starts and ends
    (one ink run a glyph: no kerning, no touching glyphs in a monospaced face at this size)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", size)
    img = Image.new("L", (900, 80), 255)
    ImageDraw.Draw(img).text((20, 20), text, font=font, fill=0)
    page = np.array(img)
    runs = np.flatnonzero(np.diff(np.concatenate([[0], (page < 128).any(axis=0).astype(int), [0]])))
    return page, runs[::2].tolist(), runs[1::2].tolist()


def test_a_key_read_short_goes_on_past_its_group_spaces_and_is_flagged():
    # Independent seed 22's clean_005: a JetBrains Mono key printed in groups, `nl0k xSlp xm09 Z`,
    # of which OCR read only the first two groups; the crop stopped at the next group space and
    # the patient was shown eight characters.  A key read shorter than keys are goes on past
    # spaces as wide as a group's, and is shown whole, for review.
    page, starts, ends = _mono_line("nl0k  xSlp  xmO9  Z")
    ys = np.flatnonzero((page < 128).any(axis=1))
    two_groups = Box(starts[0], int(ys[0]), ends[7], int(ys[-1]))
    h = two_groups.y1 - two_groups.y0
    assert 0.8 * h < starts[8] - ends[7] < 1.5 * h, "the setting no longer tests what it says"
    assert crop_value(page, two_groups, 1.0).shape[1] < ends[8] - starts[0], "a value's crop runs on past word spaces"
    f, crop, _ = read_value("linkage_key", page, two_groups, 1.0, "nl0k xSlp", get_engine(), get_recognizer())
    assert crop.shape[1] >= ends[-1] - starts[0]
    assert f.value == "nl0kxSlpxmO9Z" and f.needs_review


def test_a_glyph_most_looks_dropped_is_kept_when_the_crop_holds_it():
    # Independent seed 22's scan_008: a Liberation Sans Bold key beginning with `/`, read with it
    # by two looks of five and without it by three; the vote followed the three.  The crop holds
    # as many glyphs as the longer reading has characters, not as the shorter: the longer frames
    # the vote.  Where the crop holds no `/`, the shorter reading stands.
    from scanner.reading import _frame_by_glyphs, _vote_looks
    from scanner.shapes import glyphs_as_many_as

    def looks(short: str, long: str) -> list[Reading]:
        return [Reading("model", t, [0.99] * len(t), [[] for _ in t]) for t in (short, short, short, long, long)]

    rng = random.Random(5)
    with_slash = linegen.render_line("/TLnbUGG4q33NPLz", "LiberationSans-Bold.ttf", 30, rng, degrade=False)
    without = linegen.render_line("TLnbUGG4q33NPLz", "LiberationSans-Bold.ttf", 30, rng, degrade=False)
    reads = looks("TLnbUGG4q33NPLz", "/TLnbUGG4q33NPLz")
    voted = _vote_looks(reads, None)
    assert voted[0].text == "TLnbUGG4q33NPLz", "the setting no longer tests what it says"
    def counts(crop):
        return lambda text: glyphs_as_many_as(crop, text)

    assert _frame_by_glyphs(counts(with_slash), reads, voted, None)[0].text == "/TLnbUGG4q33NPLz"
    assert _frame_by_glyphs(counts(without), reads, voted, None)[0].text == "TLnbUGG4q33NPLz"


def test_looks_as_long_as_the_printed_groups_frame_the_vote():
    # Seed 138's FreeSans photo: `tM-q s5Lz AaEW Oql` on the page; two looks of five read the `-`,
    # two did not, and the vote (framed by a garbled Tesseract hint) dropped it.  The groups the
    # page shows are 15 characters: the looks of that length frame the vote.
    from scanner.reading import _frame_by_groups, _vote_looks

    def look(t: str) -> Reading:
        return Reading("model", t, [0.9] * len(t), [[] for _ in t])

    reads = [look(t) for t in ("tMqs5LzAaEWOql", "tMqs5LzAaEWOql", "tM-qs5LzAaEWOqi", "tM-qs5LzAaEWOqi",
                               "WWqsSLzzAaEWOu")]
    voted = _vote_looks(reads, "gs5LzABEWOal")
    assert len(voted[0].text) == 14, "the setting no longer tests what it says"
    assert len(_frame_by_groups("tM-q s5Lz AaEW Oql", reads, voted, "gs5LzABEWOal")[0].text) == 15
    # One look of that length is no evidence; nor are groups not printed evenly.
    assert _frame_by_groups("tM-q s5Lz AaEW Oql", reads[:3] + reads[4:], voted, None) is voted
    assert _frame_by_groups("tM-qs5 Lz AaEW Oql", reads, voted, None) is voted


def test_a_key_read_short_is_read_on_past_a_wide_group_space():
    # Seed 141's Liberation Mono close-up, `BD5S mtr3 lm82 6C`: OCR read the first two groups; the
    # gap from the `3` to the `l`'s foot is 1.7 line heights, and the key went out as `BD5Smtr3`.
    from PIL import Image, ImageDraw, ImageFont

    from scanner.reading import crop_value

    font = ImageFont.truetype("LiberationMono-Regular.ttf", 56)
    img = Image.new("L", (1400, 200), 235)
    draw = ImageDraw.Draw(img)
    h = font.getbbox("lB")[3] - font.getbbox("lB")[1]  # the line's height, as OCR boxes it
    x, spans = 60, []
    for group, gap in (("BD5S", 1.3), ("mtr3", 1.7), ("lm82", 1.3), ("6C", 0)):
        left, _, right, _ = font.getbbox(group)
        draw.text((x - left, 70), group, font=font, fill=30)
        spans.append((x, x + right - left))
        x += right - left + int(gap * h)
    page = np.array(img)
    rows = np.flatnonzero((page < 128).any(axis=1))
    box = Box(spans[0][0], int(rows[0]), spans[1][1], int(rows[-1]) + 1)  # `BD5S mtr3`
    assert 1.5 * box.h < spans[2][0] - spans[1][1] < KEY_GROUP_GAP * box.h, "the setting no longer tests what it says"
    assert crop_value(page, box, 1.0, run_gap=KEY_GROUP_GAP).shape[1] > spans[-1][1] - spans[0][0]


def test_a_glyph_one_look_and_tesseract_read_is_kept_when_the_crop_holds_it():
    # Independent seed 83's close-up of an oblique DejaVu Sans Mono key: four looks dropped its last
    # `X`, the fifth read it (and one `S` as `5`), and so did Tesseract. Two readers and the glyph
    # count outweigh the four; one look alone does not, nor a Tesseract reading the crop does not hold.
    from scanner.reading import _frame_by_glyphs, _vote_looks
    from scanner.shapes import glyphs_as_many_as

    key, short = "1KSpsSSPO3s*X", "1KSpsSSPO3s*"
    reads = [Reading("model", t, [0.99] * len(t), [[] for _ in t]) for t in [short] * 4 + ["1KSpsS5PO3s*X"]]
    voted = _vote_looks(reads, key)
    assert voted[0].text == short, "the setting no longer tests what it says"
    crop = linegen.render_line(key, "DejaVuSansMono-Oblique.ttf", 30, random.Random(2), degrade=False)
    cut = linegen.render_line(short, "DejaVuSansMono-Oblique.ttf", 30, random.Random(2), degrade=False)
    assert _frame_by_glyphs(lambda t: glyphs_as_many_as(crop, t), reads, voted, key)[0].text == key
    assert _frame_by_glyphs(lambda t: glyphs_as_many_as(crop, t), reads, voted, None)[0].text == short
    assert _frame_by_glyphs(lambda t: glyphs_as_many_as(cut, t), reads, voted, key)[0].text == short


def test_a_symbol_read_twice_is_not_framed_by_a_glyph_count_its_pieces_fool():
    # Independent seed 84's clean Go Mono key `*9ftzhtRaWpYRL+`: Go Mono draws `*` as arms apart,
    # which count as two glyphs, so the crop "held" the `**` two looks of five read, and the vote
    # framed by them put out a key a character long.  A symbol beside itself is not trusted to
    # the count: the three looks' (and Tesseract's) reading stands.
    from scanner.reading import _frame_by_glyphs, _vote_looks
    from scanner.shapes import glyphs_as_many_as

    key = "*9ftzhtRaWpYRL+"
    crop = linegen.render_line(key, "Go-Mono.ttf", 24, random.Random(0), degrade=False)
    assert glyphs_as_many_as(crop, "*" + key), "the setting no longer tests what it says"
    reads = [Reading("model", t, [0.99] * len(t), [[] for _ in t]) for t in [key] * 3 + ["*" + key] * 2]
    voted = _vote_looks(reads, key)
    assert _frame_by_glyphs(lambda t: glyphs_as_many_as(crop, t), reads, voted, key)[0].text == key


def _serif_line(parts: list[tuple[str, int]], size: int = 30) -> tuple["np.ndarray", list[tuple[int, int]]]:
    """Each ``(text, gap before it in px)`` of ``parts`` in DejaVu Serif on a white page, and each
    part's ink columns (first, last)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", size)
    img = Image.new("L", (900, 80), 255)
    draw = ImageDraw.Draw(img)
    x, spans = 20, []
    for text, gap in parts:
        left, _, right, _ = draw.textbbox((0, 0), text, font=font)
        x += gap - left
        draw.text((x, 20), text, font=font, fill=0)
        cols = np.flatnonzero((np.array(img)[:, x + left - 1:x + right + 1] < 128).any(axis=0)) + x + left - 1
        spans.append((int(cols[0]), int(cols[-1])))
        x += right
    return np.array(img), spans


def _line_box(page: "np.ndarray", x0: int, x1: int) -> Box:
    """A word box from ``x0`` to ``x1`` as high as the line's ink."""
    ys = np.flatnonzero((page < 128).any(axis=1))
    return Box(x0, int(ys[0]), x1, int(ys[-1]))


def _ink_from(page: "np.ndarray", box: Box, x: int) -> int:
    """The ink of ``page`` from column ``x`` on, in the rows a crop of ``box`` holds."""
    h = box.y1 - box.y0
    return int((page[int(box.y0 - 0.22 * h):int(box.y1 + 0.22 * h), x:] < 128).sum())


def test_value_crop_follows_a_wide_monospaced_key_ocr_boxed_only_the_start_of():
    # Seed 148's Noto Mono photo: OCR boxed the key's first two glyphs as its word, and the crop
    # followed the ink 16 line heights on, 13 of the key's 16 characters at 1.23 line heights each;
    # read so, `ZYnWdbZxr7ppt` went out 0.997 sure.
    from PIL import Image, ImageDraw, ImageFont

    key, size = "ZYnWdbZxr7pptv0d", 24
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", size)
    img = Image.new("L", (900, 80), 255)
    for i, ch in enumerate(key):  # set wide, as letter-spacing in a letter's style sheet sets it
        ImageDraw.Draw(img).text((20 + i * size, 20), ch, font=font, fill=0)
    page = np.array(img)
    first, last = _ink_columns(page)
    box = _line_box(page, first, first + int(2 * size))  # `ZY`, OCR's word
    assert (last - first) / (box.y1 - box.y0) > 16  # wider than 16 of its line heights
    crop = crop_value(page, box, 1.0)
    assert crop.shape[1] >= last - first  # every glyph of it


def test_value_crop_holds_the_letters_before_a_word_box_begun_inside_the_word():
    # Independent seed 26's scan_008: light type on a dark cell, `OkwXMWelQul!8` in C059; OCR boxed
    # the key from its fourth letter, and the crop began there: the key went out three letters short.
    page, spans = _serif_line([("Okw", 0), ("XMWelQul!8", 3)])
    (first, _), (x_first, last) = spans
    box = _line_box(page, x_first + 2, last)
    assert first < x_first - box.h, "the setting no longer tests what it says"
    crop = crop_value(page, box, 1.0)
    assert int((crop < 128).sum()) == _ink_from(page, box, first), "the first letters were left out"
    # A word a word space before it is another word (a label's): it stays out.
    page, spans = _serif_line([("Key", 0), ("XMWelQul!8", 12)])
    crop = crop_value(page, _line_box(page, spans[1][0] + 2, spans[1][1]), 1.0)
    assert int((crop < 128).sum()) == _ink_from(page, box, spans[0][1] + 1), "the label joined the value"


def test_value_crop_begins_at_the_first_glyph_a_labels_box_reaches_into():
    # Independent seed 26's photo_006: `ODS Code:C40420` set tight; OCR's box of `Code:` ended inside
    # the `C`, the crop began there, and the half `C` read `Y`.
    page, spans = _serif_line([("Code:", 0), ("C40420", 3)])
    (_, colon_end), (c_first, last) = spans
    box = _line_box(page, c_first + 6, last)
    crop = crop_value(page, box, 1.0, left_limit=c_first + 3)
    assert int((crop < 128).sum()) == _ink_from(page, box, c_first), "the `C` was cut"
    # Where the two boxes meet, a label read run into its value and cut by an estimate (seed 85's
    # scan, `number:0953596914`, the cut inside the `0`): the same.
    box = _line_box(page, c_first + 3, last)
    crop = crop_value(page, box, 1.0, left_limit=box.x0 - 1)
    assert int((crop < 128).sum()) == _ink_from(page, box, c_first), "the `C` was cut where the boxes meet"
    # A label's box ending short of the value still bounds the crop.
    crop = crop_value(page, _line_box(page, c_first, last), 1.0, left_limit=colon_end)
    assert int((crop < 128).sum()) == _ink_from(page, box, colon_end + 1)


def test_a_code_no_reading_fits_is_read_again_from_its_label_and_flagged():
    # Independent seed 26's photo_023: `ODS code: Y19223` in Nimbus Roman, OCR's word `19223`, the
    # `Y` standing a loose letter space before it; no reading fitted an ODS code and none was given.
    page, spans = _serif_line([("Code:", 0), ("Y", 14), ("19223", 11)])
    (_, colon_end), (_, y_end), (one, last) = spans
    box = _line_box(page, one, last)
    assert 0.2 * box.h < one - y_end < 0.8 * box.h, "the setting no longer tests what it says"
    f, crop, _ = read_value("ods_code", page, box, 1.0, "19223", get_engine(), get_recognizer(), left_limit=colon_end)
    assert f.value == "Y19223" and f.needs_review
    plain, _, _ = read_value("ods_code", page, box, 1.0, "19223", get_engine(), get_recognizer())
    assert plain.value is None, "without the label's end the crop is not widened"


def test_a_key_whose_first_glyphs_the_labels_box_took_is_read_again_from_its_word():
    # Seed 46's close-up (Nimbus Mono): `key:` boxed by OCR over the key's first glyphs `ml`, its text
    # given to the key's word (`MLOIPVsvUOOZrs`); the crop began after the label's box, every
    # reading of it was two characters short, and the key went out unflagged.
    page, spans = _serif_line([("key:", 0), ("ml", 14), ("OiPVsvUO0ZrS", 3)])
    (_, colon_end), (_, l_end), (o_start, last) = spans
    box = _line_box(page, o_start, last)
    f, _, _ = read_value("linkage_key", page, box, 1.0, "MLOIPVsvUOOZrs", get_engine(), get_recognizer(), left_limit=l_end)
    assert f.value is not None and _fold(f.value) == _fold("mlOiPVsvUO0ZrS") and f.needs_review
    # The page reading as long as the crop's: nothing to look for.
    same, _, _ = read_value("linkage_key", page, box, 1.0, "OIPVsvUOOZrs", get_engine(), get_recognizer(), left_limit=l_end)
    assert same.value is not None and len(same.value) == 12


def test_value_crop_keeps_to_its_glyphs_rows_where_ocrs_box_took_in_a_dark_bar():
    # Independent seed 26's photo_017: a key's word box reached up into the noisy dark header
    # above its row, three times the glyphs' height; the crop followed it and its first letters
    # were lost.  The crop keeps to the rows the glyphs fill, and a lower-case word's ascenders
    # and descenders are no reason to cut a box down.
    page, spans = _serif_line([("TmJ-6x7TPIStGqI", 0)])
    bar = np.random.default_rng(3).integers(0, 90, (50, page.shape[1])).astype(np.uint8)
    barred = np.vstack([bar, page])
    page = np.vstack([np.full_like(bar, 255), page])
    ys = np.flatnonzero((page < 128).any(axis=1))
    top, bottom = int(ys[0]), int(ys[-1])
    box = Box(spans[0][0], 30, spans[0][1], bottom)
    assert box.h > 2.5 * (bottom - top), "the setting no longer tests what it says"
    crop = crop_value(barred, box, 1.0)
    assert crop.shape[0] < 2 * (bottom - top), "the crop took in the bar"
    assert int((crop < 128).sum()) >= int((page[top:bottom + 1] < 128).sum()), "glyph ink lost"
    # Nor is a tight box of figures or of letters with descenders.
    for text in ("kpqoxwvlbd", "9408669806", "yygqjp"):
        plain, spans = _serif_line([(text, 0)])
        ys = np.flatnonzero((plain < 128).any(axis=1))
        whole = Box(spans[0][0], int(ys[0]), spans[0][1], int(ys[-1]))
        assert crop_value(plain, whole, 1.0).shape[0] >= whole.h, text
    # Nor light type on a dark cell, whose counters are dark blobs of a third of its height (seed
    # 15's photo_001, `sdX2l0lWcWU-K` white on a dark cell, was cut down to its counters so).
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 20)
    for text in ("sdX2l0lWcWU-K", "9408669806"):
        img = Image.new("L", (600, 300), 255)  # a light page with one dark cell
        draw = ImageDraw.Draw(img)
        draw.rectangle((10, 10, 500, 70), fill=40)
        draw.text((20, 22), text, font=font, fill=235)
        cell = np.array(img)
        ys = np.flatnonzero((cell[12:68, 12:498] > 128).any(axis=1)) + 12
        xs = np.flatnonzero((cell[12:68, 12:498] > 128).any(axis=0)) + 12
        boxed = Box(int(xs[0]), int(ys[0]) - 6, int(xs[-1]), int(ys[-1]) + 6)  # with a margin, as OCR's was
        assert crop_value(cell, boxed, 1.0).shape[0] >= boxed.h, text


def test_value_crop_on_a_dark_cell_never_begins_later_than_its_margin():
    # Independent seed 21's scan_008: `v2pSPezluPw0O` white on a dark cell, OCR's word begun at a
    # quote mark before the `v`; the walk back over letters ended right of where the crop began
    # and the crop was moved past the `v`: the key went out without it.
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (700, 300), 255)
    draw = ImageDraw.Draw(img)
    draw.rectangle((100, 10, 650, 70), fill=40)
    draw.text((106, 25), "\\u2018v2pSPezluPw0O", font=ImageFont.truetype("/usr/share/fonts/opentype/urw-base35/C059-Roman.otf", 20), fill=235)
    page = np.array(img)
    light = page[12:68, 101:648] > 128
    ys = np.flatnonzero(light.any(axis=1)) + 12
    cols = light.any(axis=0)
    runs = np.flatnonzero(np.diff(np.concatenate([[0], cols.astype(int), [0]]))) + 101
    quote, v_first = int(runs[0]), int(runs[2])
    box = Box(quote, int(ys[0]), int(runs[-1]) - 1, int(ys[-1]))
    crop = crop_value(page, box, 1.0)
    y0, y1 = int(box.y0 - 0.22 * box.h), int(box.y1 + 0.22 * box.h)
    assert int((crop > 128).sum()) >= int((page[y0:y1, v_first:648] > 128).sum()), "the `v` was cut off"


def test_bits_among_glyphs_as_tall_as_their_box_do_not_cut_it_down():
    # Independent seed 15's photo_008: a blurred key boxed tight, its glyphs reaching the box's top;
    # Otsu broke off bits of serifs, small blobs a third of the box high, and the crop was cut
    # down to them.  Glyphs taller than half the box say the box is their line's.
    page, spans = _serif_line([("KVRWZUKEbSxV2V", 0)], 24)
    ys = np.flatnonzero((page < 128).any(axis=1))
    box = Box(spans[0][0], int(ys[0]) + 2, spans[0][1], int(ys[-1]))
    bits = page.copy()
    for x in range(spans[0][0] + 10, spans[0][1] - 10, 40):
        bits[int(ys[0]) + 6:int(ys[0]) + 11, x:x + 3] = 0
    assert crop_value(bits, box, 1.0).shape[0] >= box.h


@pytest.mark.parametrize(("printed", "value", "places"), [
    ("FUD7 z2EW Ty6 y", "FUD7z2EWTy6y", range(8, 11)),  # seed 39's blurred `Ty/6`: the slash unread
    ("FUD7 z2W Ty/6 y", "FUD7z2WTy/6y", range(4, 7)),
    ("FUD7 z2EW Ty/6 y", "FUD7z2EWTy/6y", None),  # every group before the last full
    ("FUD7 z2EW Ty6 y", "FUD7z2EWTy/6y", None),  # the value has the character the page reading lacks
    ("FUD z2E Ty/6 y", "FUDz2ETy/6y", None),  # one full group only: its size is not known
    ("FUD z2EW Ty/6 y", "FUDz2EWTy/6y", range(0, 3)),
    ("FUD7 z2EW Ty/6y", "FUD7z2EWTy/6y", None),  # three groups: the last is the rest
    ("FUD7z2EWTy6y", "FUD7z2EWTy6y", None),  # not printed in groups
    ("FUD7 z2EW T y6y", "FUD7z2EWTy6y", None),  # a group three short: a split, not a lost character
    ("Fs AJ0y eCq9 atjw", "FsAJ0yeCq9atjw", range(0, 2)),  # seed 41's crop cut two characters off the first group
    (None, "FsAJ0yeCq9atjw", None),
])
def test_a_group_of_a_grouped_key_read_a_character_short_is_found(printed, value, places):
    from scanner.reading import short_group

    assert short_group(printed, value) == places


def test_a_key_group_read_short_is_flagged_with_its_reason():
    from scanner.models import CodeField, UncertainChar
    from scanner.reading import _flag_short_group

    sure = CodeField(value="FUD7z2EWTy6y", confidence=0.99,
                     uncertain=[UncertainChar(index=9, alternatives=["y", "Y"], reason="less sure")])
    flagged = _flag_short_group(sure, range(8, 11))
    assert flagged.needs_review and flagged.confidence <= 0.5 and flagged.value == sure.value
    assert [u.index for u in flagged.uncertain] == [8, 9, 10]
    assert flagged.uncertain[1].alternatives == ["y", "Y"]  # an earlier doubt kept as it was
    assert "shorter" in flagged.uncertain[0].reason and flagged.uncertain[2].alternatives == ["6"]


def test_a_group_the_recogniser_read_short_is_flagged():
    # Seed 41's close-up: an italic TeX Gyre Termes `jNFs AJ0v eCq9 atjw`, its crop cut after `jN`
    # (OCR's box began at the `s`). The recogniser read `Fs AJ0y eCq9 atjw`, with its group spaces;
    # the key went out with its `y` flagged, nothing pointing at the missing start. A first group two
    # short of the others is flagged.
    page, starts, ends = _mono_line("Fs  AJ0y  eCq9  atjw")
    ys = np.flatnonzero((page < 128).any(axis=1))
    box = Box(starts[0], int(ys[0]), ends[-1], int(ys[-1]))
    f, _, _ = read_value("linkage_key", page, box, 1.0, "FsAJ0yeCq9atjw", get_engine(), get_recognizer())
    assert f.value == "FsAJ0yeCq9atjw" and f.needs_review
    assert {0, 1} <= {u.index for u in f.uncertain}


@pytest.mark.parametrize(("printed", "length"), [
    ("bVm0 YVt- zW2S Z1*", 15), ("kWq7 vPz2 Hc4x M", 13), ("SO4W IxIc IItz P", 13), ("abcde fghij klm", 13),
    ("bVm0YVt-zW2SZ1*", None),  # not printed in groups
    ("bVm0 YVt-", None),  # two groups: no size to go by
    ("bVm0 YV zW2S Z1*", None),  # groups read unevenly
    ("ab cd ef", None),  # groups too short to be a key's
    ("bVm0 YVt- zW2S Z1*xy", None),  # the last group longer than the others
])
def test_a_key_printed_in_even_groups_shows_its_length(printed, length):
    from scanner.reading import _printed_length

    assert _printed_length(printed) == length


def test_tesseracts_reading_frames_the_vote_where_the_recogniser_dropped_characters_of_a_grouped_key():
    # An independent letter's blurred italic Liberation Serif close-up: `bVm0 YVt- zW2S Z1*`, read so
    # by Tesseract on the page and in the crop, and `V0YVt-zW2SZ1*` by the recogniser, two characters
    # short of the printed groups. The recogniser was the frame, and the key came out short; now
    # Tesseract's reading is, and the recogniser's disagreement flags it.
    from scanner.reading import _tesseract_frames

    printed, full, short = "bVm0 YVt- zW2S Z1*", "bVm0YVt-zW2SZ1*", "V0YVt-zW2SZ1*"
    recogniser = [model(short, [0.99] * len(short))]
    assert _tesseract_frames(printed, tess(full), recogniser)
    assert not _tesseract_frames(full, tess(full), recogniser)  # not printed in groups
    assert not _tesseract_frames(printed, tess(short), recogniser)  # Tesseract's crop reading short too
    assert not _tesseract_frames(printed, tess(full), [model(full, [0.99] * len(full))])
    f = vote("linkage_key", [tess(full), *recogniser])
    assert f.value == full and f.needs_review
    assert {0, 1, 2} <= {u.index for u in f.uncertain}  # where the recogniser read nothing


def test_between_equally_frequent_looks_the_one_lined_up_with_tesseract_is_the_frame():
    # Seed 56 photo_018 (bold TeX Gyre Termes): two looks read the key's `!`, two did not, and
    # Tesseract read an `i` in its place; a similarity ratio preferred the shorter text (the
    # substitution counted as nothing), and the key lost its `!`.
    with_mark, without = "zPgh!KjAS8n?kX4", "zPghKjAS8n?kX4"
    looks = [model(t, [0.97] * len(t)) for t in (without, with_mark, without, with_mark)]
    assert _vote_looks(looks, "2PghiKjAS8n7kX4")[0].text == with_mark
    assert _vote_looks(looks, "2PghKjAS8n7kX4")[0].text == without  # Tesseract saw no glyph there


def test_a_value_crop_begun_inside_the_label_starts_past_its_colon():
    # Seed 63's close-up: `Account Linkage Key:` in a light sans, the key in a larger bold serif
    # right after it; OCR read `Key:t` as one word, the cut between label and value (estimated
    # from the characters' count) fell inside the `y`, and the key went out `ytDkb...`. No code
    # has a colon: a crop that holds one before the value starts after it.
    from PIL import Image, ImageDraw, ImageFont

    label = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 20)
    value = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf", 32)
    img = Image.new("L", (900, 90), 255)
    draw = ImageDraw.Draw(img)
    draw.text((20, 32), "Account Linkage Key:", font=label, fill=0)
    y_start = draw.textbbox((20, 32), "Account Linkage Ke", font=label)[2]
    colon_end = draw.textbbox((20, 32), "Account Linkage Key:", font=label)[2]
    draw.text((colon_end + 8, 20), "tDkb BsaV jIUF v", font=value, fill=0)
    page = np.array(img)
    first = colon_end + int(np.argmax((page[:, colon_end:] < 128).any(axis=0)))
    for cut in (y_start - 1, y_start + 1):
        box = _line_box(page, cut, 820)
        f, crop, _ = read_value("linkage_key", page, box, 1.0, "t Dkb BsaV jIUF v", get_engine(), get_recognizer(),
                             left_limit=cut)
        assert f.value == "tDkbBsaVjIUFv", cut
        assert int((crop < 128).sum()) == _ink_from(page, box, colon_end - 1) == _ink_from(page, box, first)


def test_a_key_read_in_groups_goes_on_past_a_group_ocr_never_saw():
    # Seed 62's close-up: a JetBrains Mono key `QpGx KKop uIOG IOu`, the line cut for OCR at the
    # edge of a panel found by its shading, so that OCR read three groups of four: a valid key of
    # twelve characters, and the crop stopped at the next group space. A key OCR read in groups
    # reads on past group spaces; the longer reading, a key too, is taken and shown for review.
    page, starts, ends = _mono_line("QpGx KKop uW3G R7u")
    ys = np.flatnonzero((page < 128).any(axis=1))
    three = Box(starts[0], int(ys[0]), ends[11], int(ys[-1]))
    assert WORD_GAP * three.h < starts[12] - ends[11] < KEY_GROUP_GAP * three.h, "the setting no longer tests what it says"
    f, crop, _ = read_value("linkage_key", page, three, 1.0, "QpGx KKop uW3G", get_engine(), get_recognizer())
    assert crop.shape[1] >= ends[-1] - starts[0]
    assert f.value == "QpGxKKopuW3GR7u" and f.needs_review
    # A key OCR read as one word is not read on past a word space.
    f, crop, _ = read_value("linkage_key", page, three, 1.0, "QpGxKKopuW3G", get_engine(), get_recognizer())
    assert crop.shape[1] < ends[-1] - starts[0]


def test_a_ring_broken_at_its_thin_top_and_bottom_counts_as_one_glyph():
    # Independent seed 82's photo_020: a blurred P052 `o`, thin at its top and bottom, fell apart
    # into its two sides; counted as two glyphs, the crop held one more than the key's characters,
    # and the vote took a second `X` that two of the recogniser's five looks read at the key's end.
    # The same happens to a degraded render of that key (the generator's seed 90, 14 px capitals).
    from scanner.shapes import glyphs_as_many_as

    key = "oYanV1NixcM6G4X"
    crop = linegen.render_line(key, "P052-Roman.otf", 14, random.Random(90), degrade=True)
    assert glyphs_as_many_as(crop, key)  # (counting the `o`'s halves apart: one glyph more)
    assert not glyphs_as_many_as(crop, key + "X")
    # The halves may abut, no column shared (seed 135's clean Pagella render of `poVX1CUSU1o1X`:
    # counted as two, the vote again took a second `X` that two looks of five had read).
    crop = linegen.render_line("poVX1CUSU1o1X", "texgyrepagella-regular.otf", 13, random.Random(8), degrade=True)
    assert glyphs_as_many_as(crop, "poVX1CUSU1o1X")
    assert not glyphs_as_many_as(crop, "poVXX1CUSU1o1X")
    # Glyphs side by side that each have a counter, or none together, stay apart.
    for text, font in (("UDn3PJ", "Caladea-Bold.ttf"), ("AVh3PJkq", "Lato-Bold.ttf"), ("cc7PJyo", "Lato-Bold.ttf")):
        img = linegen.render_line(text, font, 36, random.Random(6), degrade=False)
        assert glyphs_as_many_as(img, text)


def test_a_figure_tesseract_is_sure_of_puts_the_look_alike_letter_read_in_doubt():
    # Independent seed 89's photo: a bold Nimbus Roman `nXDKt54j65mMR`, blurred; the recogniser read
    # both `5`s as `S`, 0.98 and 0.99 sure, Tesseract `5`, 0.98 and 0.95 sure.  Within the error
    # table's cells (Tesseract disagreeing: 0.2 % and 2 %) the key went out wrong, unflagged.
    probs = [0.997, 0.959, 0.993, 0.999, 0.996, 0.984, 0.954, 0.94, 0.995, 0.991, 0.995, 0.999, 0.996]
    sure = Reading("tesseract", "nXDKt54j65mMR", [0.92, 0.98, 0.98, 0.99, 0.98, 0.98, 0.99, 0.99, 0.99, 0.95,
                                                    0.98, 0.98, 0.99])
    f = vote("linkage_key", [model("nXDKtS4j6SmMR", probs), sure])
    assert f.needs_review
    assert {u.index: u.alternatives for u in f.uncertain} == {5: ["S", "5"], 9: ["S", "5"]}
    # Tesseract unsure of its figure (0.6) leaves the table's word standing; so does a disagreement
    # that is no figure for its letter (`X` for `x`: case twins have checks of their own), a letter
    # for the recogniser's figure (`S` for `5`: on seeds 60 and 78 the recogniser was right), or a
    # `0` for its `o` (Tesseract's habit at a key's end: five right keys of the samples and seeds).
    unsure = Reading("tesseract", "nXDKt54j6SmMR", [0.9] * 5 + [0.6] + [0.9] * 7)
    assert vote("linkage_key", [model("nXDKtS4j6SmMR", [0.999] * 13), unsure]).uncertain == []
    for mine, theirs in (("nXDKtS4j6SmMR", "nxDKtS4j6SmMR"), ("2FneCYEk5DyHKa", "2FneCYEkSDyHKa"),
                         ("oZgCvwNcwZP1o", "oZgCvwNcwZP10")):
        assert vote("linkage_key", [model(mine, [0.999] * len(mine)), tess(theirs)]).uncertain == []


def test_a_letter_whose_zeros_were_read_as_O_has_its_keys_zeros_and_Os_checked():
    # Independent seed 88's photo in TeX Gyre Adventor, whose `0` is as round as its `O`: the
    # recogniser read the ODS code's zero `O` (its format made it `0`, flagged), and every reader
    # read the key's `0` as `O`, sure; the key's glyphs ran together, so no shape measured them.
    from scanner.models import CodeField, UncertainChar
    from scanner.reading import doubt_zeros_and_Os, zeros_read_as_O

    ods = vote("ods_code", [model("W1751O", [0.988, 0.999, 1.0, 0.998, 0.999, 0.92]), tess("W17510")])
    assert ods.value == "W17510" and zeros_read_as_O(ods)
    assert not zeros_read_as_O(vote("ods_code", [model("W17510", [0.999] * 6), tess("W17510")]))
    assert not zeros_read_as_O(CodeField(value="W17518", uncertain=[UncertainChar(index=5, alternatives=["8", "B"])]))
    key = vote("linkage_key", [model("19iwnHUGVLUO1F", [0.99] * 14), tess("19iwnHUGVLUO1F")])
    assert not key.needs_review
    doubted = doubt_zeros_and_Os(key)
    assert doubted.needs_review and doubted.confidence <= 0.5
    assert [(u.index, u.alternatives) for u in doubted.uncertain] == [(11, ["O", "0"])]
    # A key with no `0` or `O` is left as it was.
    plain = vote("linkage_key", [model("19iwnHUGVLUA1F", [0.99] * 14), tess("19iwnHUGVLUA1F")])
    assert doubt_zeros_and_Os(plain) == plain


def test_a_key_character_tesseract_read_alike_twice_is_taken_where_the_recogniser_was_unsure():
    # Seed 144's Go Mono photo (readings as given): Tesseract read `WWIvWqcU7UcRL` on the page and
    # on the key's crop; the recogniser read both `W`s after the first as `M`, 0.43 and 0.42 sure,
    # `W` its second choice, and the key went out `WMIvMqcU7UcRl`.
    probs = [0.79, 0.43, 0.99, 0.93, 0.42, 0.99, 1.0, 0.99, 0.98, 0.97, 0.99, 0.99, 1.0]
    alts = {1: [("W", 0.3), ("N", 0.05)], 4: [("W", 0.35)]}
    page = Reading("page", "WWIvWqcU7UcRL", [0.5] * 13)
    f = vote("linkage_key", [model("WMIvMqcU7UcRl", probs, alts), tess("WWIvWqcU7UcRL"), page])
    # Where the recogniser was sure (`l`, 1.0) its reading stands; every place taken is pointed at.
    assert f.value == "WWIvWqcU7UcRl" and f.needs_review
    assert {1, 4} <= {u.index for u in f.uncertain}
    # Tesseract's look-alikes (`l` for `I`, `O` for `0`) are its prior's, not evidence: never taken.
    probs = [0.99] * 13
    probs[2] = probs[7] = 0.4
    f = vote("linkage_key", [model("WWIvWqc07UcRl", probs), tess("WWlvWqcO7UcRl"), Reading("page", "WWlvWqcO7UcRl", [0.5] * 13)])
    assert f.value == "WWIvWqc07UcRl" and {2, 7} <= {u.index for u in f.uncertain}
    # Nor where only one of Tesseract's readings has it.
    probs = [0.79, 0.43, 0.99, 0.93, 0.42, 0.99, 1.0, 0.99, 0.98, 0.97, 0.99, 0.99, 1.0]
    f = vote("linkage_key", [model("WMIvMqcU7UcRl", probs, alts), tess("WWIvWqcU7UcRL"),
                             Reading("page", "WMIvMqcU7UcRL", [0.5] * 13)])
    assert f.value[1] == "M" and f.value[4] == "M" and f.needs_review
