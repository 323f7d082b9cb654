import json

import pytest

from scanner import ScanResult, UnreadableInput
from scanner.models import CodeField, UncertainChar


def _result() -> ScanResult:
    return ScanResult(
        status="needs_review",
        linkage_key=CodeField(value="tTALtBP3rLR16", confidence=0.8, needs_review=True,
                              uncertain=[UncertainChar(index=4, alternatives=["t", "I"])]),
        ods_code=CodeField(value="A81001", confidence=0.99),
        account_id=CodeField(value="1195029928", confidence=0.99),
    )


def test_repr_and_str_mask_every_code():
    r = _result()
    for text in (repr(r), str(r), repr(r.linkage_key), f"{r}"):
        assert "tTALtBP3rLR16" not in text
        assert "A81001" not in text
        assert "1195029928" not in text
    assert "tT***********" in repr(r)


def test_explicit_access_and_json_contract_give_values():
    r = _result()
    assert r.linkage_key.value == "tTALtBP3rLR16"
    data = json.loads(r.model_dump_json())
    assert data["linkage_key"]["value"] == "tTALtBP3rLR16"
    assert data["linkage_key"]["uncertain"] == [{"index": 4, "alternatives": ["t", "I"], "reason": ""}]
    assert set(data) >= {"status", "linkage_key", "ods_code", "account_id", "panel", "warnings", "timings", "quality"}
    assert ScanResult.model_validate_json(r.model_dump_json()) == r


def test_errors_carry_code_exit_status_and_plain_message():
    err = UnreadableInput("input is empty (0 bytes)")
    assert err.code == "unreadable_input" and err.exit_code == 2 and err.http_status == 422
    with pytest.raises(UnreadableInput, match="empty"):
        raise err
