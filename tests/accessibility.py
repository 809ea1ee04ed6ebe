"""axe-core checks for WCAG 2.2 AA, run in the page Playwright has open."""

from axe_playwright_python.sync_playwright import Axe

WCAG_22_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

# Exclusions, each with its reason. Keep this list short and justified.
AXE_EXCLUDED_RULES: dict[str, str] = {
    # GOV.UK Frontend's skip link and header are tested upstream; nothing excluded yet.
}

_axe = Axe()


def assert_accessible(page) -> None:
    """Fail with axe's own report when the page has any WCAG 2.2 A/AA violation."""
    options = {
        "runOnly": {"type": "tag", "values": WCAG_22_AA_TAGS},
        "rules": {rule: {"enabled": False} for rule in AXE_EXCLUDED_RULES},
    }
    results = _axe.run(page, options=options)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
