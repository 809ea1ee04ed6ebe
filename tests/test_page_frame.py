"""The page frame (templates/base.html) links and assets, worked out once per process
(core.context_processors.frame_links), are those the URLconf and static storage give."""

import pytest
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_carries_the_frame_links_and_assets(client, service_manager_client):
    anonymous = client.get(reverse("core:privacy")).content.decode()
    signed_in = service_manager_client.get(reverse("core:home")).content.decode()
    for page in (anonymous, signed_in):
        for name in ("core:home", "core:accessibility", "core:privacy", "core:cookies"):
            assert f'href="{reverse(name)}"' in page, name
        for asset in ("vendor/govuk-frontend/govuk-frontend.min.css", "css/portal.css"):
            assert f'<link rel="stylesheet" href="{static(asset)}">' in page
        assert f'<script type="module" src="{static("js/portal.js")}">' in page
        assert f'href="{static("images/favicon.svg")}"' in page
    assert f'action="{reverse("accounts:logout")}"' in signed_in
    assert f'href="{reverse("accounts:password_change")}"' in signed_in
    assert reverse("accounts:logout") not in anonymous
