import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def load_labels() -> list[dict]:
    return json.loads((SAMPLES / "labels.json").read_text())


@pytest.fixture(scope="session")
def labels() -> list[dict]:
    return load_labels()


@pytest.fixture(scope="session")
def clean_sample(labels) -> dict:
    """The first clean render with codes (a real generator output)."""
    return next(s for s in labels if s["capture"] == "clean" and s["linkage_key"])
