"""The site in a real browser: Debian's headless Chromium, driven by selenium through the system
chromedriver (never a downloaded one). Outside CI the test skips when the two binaries are absent;
in CI (`CI` set, as `.ci/run` does) it fails instead."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from videoutr.view import build_site
from videoutr.view.browser import chromium, missing_binaries


@pytest.fixture
def browser(tmp_path):
    missing = missing_binaries()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test but {', '.join(missing)} is missing (see .ci/run)")
        pytest.skip(f"{', '.join(missing)} not installed: apt-get install chromium chromium-driver")
    with chromium(tmp_path / "profile") as driver:
        yield driver


def wait_for(condition, timeout: float = 5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the page")


@pytest.mark.slow
def test_clicking_a_stated_box_moves_the_overlay_to_its_frame(run_folder, tmp_path, browser):
    from selenium.webdriver.common.by import By

    site = tmp_path / "site"
    build_site(run_folder, site)
    browser.get((site / "index.html").as_uri())
    runs = browser.find_elements(By.CSS_SELECTOR, "#runs a")
    assert [a.text for a in runs] == ["eval/tiny", "tpl/utr.jsonl", "utr"]
    assert browser.find_element(By.CSS_SELECTOR, "#claims td.verdict-reproduced").text == "reproduced"
    runs[2].click()  # into the engine run

    rows = browser.find_elements(By.CSS_SELECTOR, "#rows tbody tr")
    assert len(rows) == 6  # 4 videos and their 2 reversed twins
    rows[0].click()
    refs = wait_for(
        lambda: browser.find_elements(By.CSS_SELECTOR, "#dialogues .box-ref")
    )  # a detail chunk loaded from file://
    player = browser.find_element(By.ID, "player")
    frames = browser.execute_script("return V.player.frames")
    ref = next(
        r
        for r in refs
        if int(r.get_attribute("data-frame")) in frames
        and int(r.get_attribute("data-frame")) != int(player.get_attribute("data-frame"))
    )
    frame, box = (
        int(ref.get_attribute("data-frame")),
        [float(v) for v in ref.get_attribute("data-box")[1:-1].split(",")],
    )
    ref.click()
    assert int(player.get_attribute("data-frame")) == frame
    stated = player.find_element(By.CSS_SELECTOR, ".stated-box")
    assert stated.is_displayed() and int(stated.get_attribute("data-frame")) == frame
    canvas = player.find_element(By.TAG_NAME, "canvas").rect
    rect = stated.rect  # the highlight sits on the box's place over the frame (border included)
    assert rect["x"] - canvas["x"] == pytest.approx(box[0] * canvas["width"], abs=4)
    assert rect["y"] - canvas["y"] == pytest.approx(box[1] * canvas["height"], abs=4)
    assert rect["width"] == pytest.approx((box[2] - box[0]) * canvas["width"], abs=4)
    shot = Path(os.environ.get("VIDEOUTR_SHOTS", tmp_path)) / "view-engine.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


@pytest.mark.slow
def test_tpl_and_eval_pages_sort_filter_and_mark_answers(run_folder, tmp_path, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    build_site(run_folder / "tpl" / "utr.jsonl", tmp_path / "tpl")
    browser.get((tmp_path / "tpl" / "index.html").as_uri())
    tpl_col = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "#rows th")].index("TPL ▼")
    values = [
        float(tr.find_elements(By.TAG_NAME, "td")[tpl_col].text)
        for tr in browser.find_elements(By.CSS_SELECTOR, "#rows tbody tr")
    ]
    assert values == sorted(values, reverse=True)  # highest TPL first
    subset = Select(browser.find_element(By.ID, "filter-subset"))
    chosen = subset.options[1].text
    subset.select_by_visible_text(chosen)
    shown = browser.find_elements(By.CSS_SELECTOR, "#rows tbody tr")
    assert shown and all(chosen in tr.text for tr in shown)
    shown[0].click()
    assert wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#turns tbody tr"))
    assert browser.find_element(By.ID, "keyframe").get_attribute("data-frame") == "0"

    build_site(run_folder / "eval" / "tiny", tmp_path / "eval")
    browser.get((tmp_path / "eval" / "index.html").as_uri() + "#0")  # a row opened from the address
    options = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#options tbody tr"))
    assert sum("right answer" in tr.text for tr in options) == 1
    assert len(browser.find_elements(By.CSS_SELECTOR, "#options td.pick")) == 2  # one pick per condition
    outcome = Select(browser.find_element(By.ID, "filter-c:full"))
    chosen = outcome.options[-1].text  # "wrong" or, if every answer was right, "right"
    outcome.select_by_visible_text(chosen)
    rows = browser.find_elements(By.CSS_SELECTOR, "#rows tbody tr")
    assert rows and all(tr.find_elements(By.TAG_NAME, "td")[4].get_attribute("class") == chosen for tr in rows)
