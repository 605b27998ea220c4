"""Screenshot of a `videoutr view` page with its first stated box clicked (the README's picture).

python docs/screenshot.py runs/demo/view/runs/engine__out/index.html#0 docs/view.png
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from videoutr.view.browser import chromium


def main(page: str, out: str) -> None:
    path, _, row = page.partition("#")
    with tempfile.TemporaryDirectory() as profile, chromium(Path(profile), width=1400, height=820) as browser:
        from selenium.webdriver.common.by import By

        browser.get(Path(path).resolve().as_uri() + (f"#{row}" if row else ""))
        refs = browser.find_elements(By.CSS_SELECTOR, ".box-ref")
        if refs:
            refs[min(2, len(refs) - 1)].click()
        time.sleep(0.5)
        browser.save_screenshot(out)
    print(out)


if __name__ == "__main__":
    main(*sys.argv[1:3])
