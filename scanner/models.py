"""The result contract: pydantic models returned by :func:`scanner.scan`.

``ScanResult.model_dump_json()`` is the JSON contract.  ``repr``/``str`` of
these models mask code values (only the first two characters show), so a
result that ends up in a log line or a traceback leaks nothing; the value is
only available through explicit field access.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

FieldName = Literal["linkage_key", "ods_code", "account_id"]
FIELD_NAMES: tuple[FieldName, ...] = ("linkage_key", "ods_code", "account_id")
#: Each code's name in a sentence ("The linkage key could not be read"); ``.capitalize()``-d
#: only at a sentence's or a table row's start (``field_title``).
FIELD_TEXT: dict[str, str] = {"linkage_key": "linkage key", "ods_code": "ODS code", "account_id": "account ID"}


def field_title(fname: str) -> str:
    """A code's name at the start of a row: "Linkage key", "ODS code", "Account ID"."""
    text = FIELD_TEXT[fname]
    return text[0].upper() + text[1:]


def mask(value: str | None) -> str | None:
    """Show the first two characters of a code and hide the rest."""
    if value is None:
        return None
    return value[:2] + "*" * max(0, len(value) - 2)


class UncertainChar(BaseModel):
    """A character the scanner is unsure of, with what else it could be."""

    index: int = Field(description="0-based position in the value")
    alternatives: list[str] = Field(
        description="candidate characters, most likely first; the first is the one in the value"
    )
    reason: str = Field(default="", description="why it is uncertain, in plain words")

    def __repr_args__(self) -> Any:
        # Alternatives are single characters of a secret: keep them out of repr.
        yield "index", self.index
        yield "alternatives", ["*"] * len(self.alternatives)


class CodeField(BaseModel):
    """One code read from the letter."""

    value: str | None = Field(default=None, description="the code, or null when not found")
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    needs_review: bool = Field(default=False, description="true when a person must check the value")
    uncertain: list[UncertainChar] = Field(default_factory=list)
    found_by: Literal["label", "pattern", "text"] | None = Field(
        default=None, description="how the value was located: next to its label, by its format alone, or from a text layer"
    )
    crop_png: str | None = Field(
        default=None, description="base64 PNG of the value as seen (only with crops=True)"
    )

    def __repr_args__(self) -> Any:
        for name, val in super().__repr_args__():
            if name == "value":
                yield name, mask(val)
            elif name == "crop_png":
                yield name, None if val is None else "<png>"
            else:
                yield name, val


#: A value a person must check is shown at most this sure.
REVIEW_CONFIDENCE = 0.5
#: Said when a key printed across two lines was joined (``mark_wrapped``).
WRAPPED_WARNING = "The linkage key is printed across two lines: check that it was joined correctly."
#: Said when a key ends its line and the next line starts with what may be its rest, not joined.
MAY_CONTINUE_WARNING = "The linkage key may go on at the start of the next line: check it against the letter."


def for_review(cf: CodeField, places: dict[int, list[str]] | None = None, reason: str = "") -> CodeField:
    """A copy of ``cf`` for a person to check, at most ``REVIEW_CONFIDENCE`` sure, each of
    ``places`` (index -> the character and its alternatives) among its uncertain characters for
    ``reason`` unless already there."""
    have = {u.index: u for u in cf.uncertain}
    for i, options in (places or {}).items():
        have.setdefault(i, UncertainChar(index=i, alternatives=options, reason=reason))
    return cf.model_copy(update={"needs_review": True, "confidence": min(cf.confidence, REVIEW_CONFIDENCE),
                                 "uncertain": sorted(have.values(), key=lambda u: u.index)})


def sureness(cf: CodeField) -> tuple[bool, float]:
    """How sure a reading of a code is, for choosing between two: not for review first, then by confidence."""
    return not cf.needs_review, cf.confidence


def drop_char(cf: CodeField, index: int) -> None:
    """Take the character at ``index`` out of the value (the uncertain list follows it)."""
    if cf.value is None or not 0 <= index < len(cf.value):
        return
    cf.value = cf.value[:index] + cf.value[index + 1:]
    cf.uncertain = [u if u.index < index else u.model_copy(update={"index": u.index - 1})
                    for u in cf.uncertain if u.index != index]


def wrap_warning(cf: CodeField, joined: bool, may_go_on: bool, hyphen_at: int | None = None) -> str | None:
    """The warning for a key printed across two lines, its flag set (``mark_wrapped``): joined
    from two lines; or not joined, where the next line's start may be its rest or the key ends in
    a hyphen (most likely the line break's: the rest went unseen).  None for any other key."""
    if cf.value is None:
        return None
    if joined:
        mark_wrapped(cf, hyphen_at)
        return WRAPPED_WARNING
    if may_go_on or cf.value.endswith("-"):
        mark_wrapped(cf)
        return MAY_CONTINUE_WARNING
    return None


def mark_wrapped(cf: CodeField, hyphen_at: int | None = None) -> None:
    """A key joined from two lines (``validate.join_wrapped``), or one that may go on at the next
    line's start, is for a person to check; where a hyphen ended its first line and was left out,
    the character after it is flagged with the hyphen in front of it as the other reading."""
    cf.needs_review = True
    cf.confidence = min(cf.confidence, 0.75)
    if hyphen_at is None or cf.value is None or hyphen_at >= len(cf.value):
        return
    ch = cf.value[hyphen_at]
    old = next((u for u in cf.uncertain if u.index == hyphen_at), None)
    alts = (old.alternatives if old else [ch]) + ["-" + ch]
    cf.uncertain = sorted([u for u in cf.uncertain if u.index != hyphen_at]
                          + [UncertainChar(index=hyphen_at, alternatives=alts,
                                           reason="a hyphen ended the line before it: it is usually no part of the key")],
                          key=lambda u: u.index)


class Quality(BaseModel):
    """Cheap measurements of the picture, used for retake guidance."""

    sharpness: float | None = Field(default=None, description="variance of the Laplacian on the code panel")
    blur: float | None = Field(
        default=None, description="width of the text's edges as a share of the text height (sharp print ~0.1)")
    text_height_px: float | None = Field(default=None, description="median height of code characters in the source image")
    shadow: float | None = Field(
        default=None, description="share of the paper's light lost in the darkest part of the code panel (0 = even)")
    glare_fraction: float | None = Field(default=None, description="share of saturated pixels on the code panel")
    brightness: float | None = Field(default=None, description="median grey level of the panel, 0..255")


class StageTimings(BaseModel):
    """Seconds spent in each pipeline stage."""

    load: float = 0.0
    page: float = 0.0
    panel: float = 0.0
    enhance: float = 0.0
    ocr: float = 0.0
    extract: float = 0.0
    total: float = 0.0


class ScanResult(BaseModel):
    """Everything :func:`scanner.scan` found on one input."""

    status: Literal["ok", "needs_review", "not_found"] = "not_found"
    linkage_key: CodeField = Field(default_factory=CodeField)
    ods_code: CodeField = Field(default_factory=CodeField)
    account_id: CodeField = Field(default_factory=CodeField)
    panel: list[tuple[float, float]] | None = Field(
        default=None, description="polygon around the code panel in source-image pixel coordinates"
    )
    panel_png: str | None = Field(default=None, description="base64 PNG of the code panel (only with crops=True)")
    source_kind: Literal["image", "pdf", "text", "email"] = "image"
    page_index: int = Field(default=0, description="0-based page or frame the codes came from")
    warnings: list[str] = Field(default_factory=list)
    quality: Quality = Field(default_factory=Quality)
    timings: StageTimings = Field(default_factory=StageTimings)

    def field(self, name: FieldName) -> CodeField:
        return getattr(self, name)

    def status_from_fields(self) -> Literal["ok", "needs_review", "not_found"]:
        """What ``status`` says of these fields: no code found, some missing or to check, or all sure."""
        found = [self.field(f) for f in FIELD_NAMES]
        if all(f.value is None for f in found):
            return "not_found"
        if any(f.value is None or f.needs_review for f in found):
            return "needs_review"
        return "ok"

    def __repr_args__(self) -> Any:
        for name, val in super().__repr_args__():
            if name == "panel_png":
                yield name, None if val is None else "<png>"
            else:
                yield name, val
