"""Docstring examples (`--doctest-modules` over src/videoutr) run each in a fresh folder, so that the
files they write stay out of the checkout."""

import pytest
from _pytest.doctest import DoctestItem


@pytest.fixture(autouse=True)
def _doctest_in_a_fresh_folder(request, tmp_path, monkeypatch):
    if isinstance(request.node, DoctestItem):
        monkeypatch.chdir(tmp_path)
