"""Screenshots of the main pages at 1280 and 375 px into var/screens/ (`make screens`).

Serves the portal (with the demo data already loaded by `make demo`) on SCREENS_HOST:SCREENS_PORT,
signs in as the data manager, and saves one full-page PNG per page and width, so anyone can look
before and after a change. It also prints each page's document width: a page wider than its
viewport scrolls sideways, which is what a phone user notices first. Nothing here is committed:
var/ is ignored by git.
"""

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "screens"
HOST = os.environ.get("SCREENS_HOST", "127.0.0.1")
PORT = int(os.environ.get("SCREENS_PORT", "8399"))
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "demoshire-portal-2026"  # the demo sign-ins' password (README, `make run`)
WIDTHS = (1280, 375)


def demo_pages() -> list[tuple[str, str, bool]]:
    """(file name, path, signed in?) for the pages each persona reaches first. The plan's and an
    action's ids change each time the demo data is loaded, so they are looked up."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arp_portal.settings")
    import django

    django.setup()
    from actions.models import Action, Plan

    plan = Plan.objects.order_by("pk").first()
    action = Action.objects.filter(plan=plan).order_by("number").first()
    if plan is None or action is None:
        sys.exit("No demo action plan: run `make demo` first")
    return [
        (name, path.format(plan=plan.pk, action=action.pk), signed_in)
        for name, path, signed_in in PAGES
    ]


PAGES = [
    ("home", "/", True),
    ("children-dashboard", "/dashboards/children/", True),
    ("children-dashboard-detailed", "/dashboards/children/?detail=detailed", True),
    ("workforce", "/dashboards/workforce/", True),
    ("workforce-locality", "/dashboards/workforce/?locality=1", True),
    ("imports", "/dashboards/imports/", True),
    ("surveys", "/surveys/", True),
    ("survey-results-2025", "/surveys/experiences-of-racism-2025/results/", True),
    (
        "survey-written-answers-2025",
        "/surveys/experiences-of-racism-2025/results/written-answers/",
        True,
    ),
    ("survey-results-2026-open", "/surveys/experiences-of-racism-2026/results/", True),
    ("front-door", "/dashboards/front-door/", True),
    ("actions", "/actions/", True),
    ("plan-overview", "/actions/plans/{plan}/", True),
    ("action-list", "/actions/plans/{plan}/actions/", True),
    ("board-report", "/actions/plans/{plan}/board-report/", True),
    ("action-detail", "/actions/action/{action}/", True),
    ("survey-start", "/surveys/experiences-of-racism-2026/", False),
    ("accessibility", "/accessibility/", False),
]


def wait_until_serving(url: str, process: subprocess.Popen) -> None:
    for _ in range(120):
        if process.poll() is not None:
            sys.exit(f"The server stopped (exit {process.returncode}); is the database migrated?")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"The portal did not answer at {url} within a minute")


def main() -> None:
    if not os.path.exists(CHROMIUM):
        sys.exit(f"Debian's chromium is not at {CHROMIUM}: run `make browser`")
    pages = demo_pages()
    OUT.mkdir(parents=True, exist_ok=True)
    url = f"http://{HOST}:{PORT}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"{HOST}:{PORT}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(url, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox", "--disable-gpu"]
            )
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                page.goto(f"{url}/accounts/sign-in/")
                page.get_by_label("Username").fill("data.manager")
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                anonymous = browser.new_context(viewport={"width": width, "height": 900})
                for name, path, signed_in in pages:
                    tab = page if signed_in else anonymous.new_page()
                    tab.goto(f"{url}{path}")
                    tab.wait_for_load_state("networkidle")
                    scroll_width = tab.evaluate("document.documentElement.scrollWidth")
                    target = OUT / f"{name}-{width}.png"
                    tab.screenshot(path=str(target), full_page=True)
                    flag = "" if scroll_width <= width else "  <- scrolls sideways"
                    print(f"{width:>5} px  {name:<30} document {scroll_width:>5} px{flag}")
                    if not signed_in:
                        tab.close()
                anonymous.close()
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"Screenshots in {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
