"""axe-core checks for browser tests: any WCAG 2.2 AA violation fails the test."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_axe = Axe()


def axe_violations(page: Page) -> list[dict]:
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return results.response["violations"]


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f"\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            lines.append(f"       {node.get('failureSummary', '').replace(chr(10), ' ')}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it is now and fail with a readable report on any violation."""
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)
