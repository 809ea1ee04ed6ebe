"""The board report prints to A4: Chromium's own print (page.pdf) gives a few pages holding the
headline measures and every action, with no navigation and nothing cut off at the edge."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page
from pypdf import PdfReader

from actions.models import Action, Plan

pytestmark = pytest.mark.django_db(transaction=True)

A4_WIDTH_POINTS = 595  # 210 mm


def given_the_demo_plan():
    call_command("load_demo_data", stdout=io.StringIO())
    return Plan.objects.get()


def test_the_board_report_prints_to_a4_with_its_measures_and_every_action(page: Page, live_server):
    plan = given_the_demo_plan()
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Username").fill("service.manager")
    page.get_by_label("Password").fill("demoshire-portal-2026")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/actions/plans/{plan.pk}/board-report/")

    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=False)))
    assert 2 <= len(pdf.pages) <= 12
    # 210 mm is 595.3 points; Chromium rounds A4 to 8.27 inches (595.4).
    assert all(abs(float(p.mediabox.width) - A4_WIDTH_POINTS) < 1.5 for p in pdf.pages)
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "progress report" in text
    assert "Headline measures by outcome" in text
    assert "Every action by outcome" in text
    for action in Action.objects.filter(plan=plan):
        assert action.reference in text, action.reference
    # The page's navigation and filter form stay off paper.
    assert "Show report" not in text
    assert "Children's dashboard" not in text

    # Nothing is cut off: in print media no table is wider than the printed page.
    page.emulate_media(media="print")
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('table')].map(t => t.scrollWidth))"
    )
    page_width = page.evaluate("document.documentElement.clientWidth")
    assert widest <= page_width
