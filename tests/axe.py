"""axe-core in Chromium: inject the engine into a Playwright page and list what it finds.

The engine is the axe.min.js that the axe-playwright-python package ships (a dev dependency),
so no download happens at test time.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

# WCAG 2.0/2.1/2.2 A and AA, and Deque's best practices: everything axe checks by default
# except the experimental rules.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# An email is shown inside the mail client's own page, which has the landmarks; these two
# page-level rules do not apply to a message.
EMAIL_EXEMPT = ("region", "landmark-one-main")


@cache
def source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")


def scan(page: Any, *, exempt: tuple[str, ...] = ()) -> list[str]:
    """axe's violations on the page as loaded, one line each (rule, impact, first targets)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=source())
    options = {
        "runOnly": {"type": "tag", "values": TAGS},
        "rules": {rule: {"enabled": False} for rule in exempt},
        "resultTypes": ["violations"],
    }
    result = page.evaluate("options => axe.run(document, options)", options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + json.dumps([node["target"] for node in v["nodes"][:3]], ensure_ascii=False)
        for v in result["violations"]
    ]
