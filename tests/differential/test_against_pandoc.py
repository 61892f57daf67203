"""imprint against Pandoc, case by case: every difference is fixed or listed in allowlist.yaml.

A case fails when it differs from Pandoc and is not in the allowlist, and also when it is in
the allowlist but no longer differs, so the list stays honest. See allowlist.yaml for what is
compared and `python -m tests.differential.compare NAME` to see one case's outlines.
"""

from __future__ import annotations

import pytest

from tests.differential.compare import Case, Result, compare_all, load_allowlist, load_cases

CASES = load_cases()
ALLOWED = load_allowlist()


@pytest.fixture(scope="module")
def results(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """All selected cases at once, in parallel (pandoc runs dominate; one case ~0.1 s)."""
    selected = {
        item.callspec.params["case"].name
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_same_as_pandoc"
    }
    chosen = [case for case in CASES if case.name in selected]
    return compare_all(chosen, tmp_path_factory.mktemp("differential"))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_same_as_pandoc(case: Case, results: dict[str, Result]) -> None:
    result = results[case.name]
    # pytest.fail, not assert: the diff is the message, without pytest's repr of the result.
    if case.name in ALLOWED and not result.differs:
        pytest.fail(f"{case.name} ({case.origin}) no longer differs from Pandoc: remove it "
                    f"from allowlist.yaml (it said: {ALLOWED[case.name]})", pytrace=False)
    if case.name not in ALLOWED and result.differs:
        pytest.fail("differs from Pandoc (fix it, or list it in allowlist.yaml with a reason):\n"
                    + result.report(), pytrace=False)


def test_allowlist_names_cases_and_gives_reasons() -> None:
    names = {case.name for case in CASES}
    assert sorted(set(ALLOWED) - names) == [], "allowlist entries naming no case"
    assert [name for name, reason in ALLOWED.items() if not reason] == [], "entries without reason"


def test_corpus_size() -> None:
    # Issue #10 asks for at least 150 cases; keep the corpus from shrinking under it.
    assert len(CASES) >= 150
