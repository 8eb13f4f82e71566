from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
GLM_REFERENCE = REPO / "tests" / "reference" / "glm"


def glm_cases() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(GLM_REFERENCE.glob("*.json"))]


@pytest.fixture(scope="session")
def report_schema() -> dict:
    return json.loads((REPO / "statreport" / "schema" / "report.schema.json").read_text())
