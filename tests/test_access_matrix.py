import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.access_matrix as matrix
from tests.access_matrix import PERSONAS
from tests.personas import make_persona


def _routes():
    routes = []
    for module in pkgutil.iter_modules(matrix.__path__):
        routes.extend(importlib.import_module(f"{matrix.__name__}.{module.name}").ROUTES)
    return routes


ROUTES = _routes()


def _project_url_names(resolver=None, namespace=""):
    """Every named URL the project defines; of the admin, only its index stands for the rest."""
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace == "admin":
                names.add("admin:index")
                continue
            names |= _project_url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_is_in_the_access_matrix():
    in_matrix = {route.name for route in ROUTES}
    missing = _project_url_names() - in_matrix
    assert not missing, f"Add these URLs to tests/access_matrix/: {sorted(missing)}"
    stale = in_matrix - _project_url_names()
    assert not stale, f"The access matrix names URLs that no longer exist: {sorted(stale)}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_each_persona_gets_the_status_the_matrix_says(route, client_as):
    url = reverse(route.name, kwargs=route.kwargs()) + route.query
    users = {persona: make_persona(persona) for persona in PERSONAS}
    got = {persona: client_as(user).get(url).status_code for persona, user in users.items()}
    assert got == route.expected, url
