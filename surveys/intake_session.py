"""The anonymous survey's own session: its own cookie, its own table, its own lifetime.

Answers wait here until they are sent. They never go into the sign-in session
(django_session), which holds the account of a signed-in member of staff: answering the survey
while signed in leaves that session untouched, and sending answers deletes only this one.

- cookie SURVEY_SESSION_COOKIE, for /surveys/ only, HttpOnly, SameSite=Lax, Secure when the
  site is, ending with the browser;
- table surveys_intakesession (IntakeSession, below: surveys.models imports it so Django
  registers it), through the same lean store as sign-in sessions (ADR 013);
- lifetime settings.SURVEY_SESSION_SECONDS from the last answer saved; expired rows are deleted
  by the worker's housekeeping task (arp_portal.core.tasks) or `manage.py clear_expired_sessions`.
"""

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, cast

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from arp_portal.core.session_store import SessionStore

SURVEY_SESSION_COOKIE = "arp_survey_session"
SURVEY_SESSION_PATH = "/surveys/"


class IntakeSession(AbstractBaseSession):
    """The anonymous survey's own sessions, apart from sign-in sessions (django_session): a
    signed-in member of staff who answers gets one of these too, so answers never sit beside
    an account."""

    @classmethod
    def get_session_store_class(cls) -> type["IntakeSessionStore"]:
        return IntakeSessionStore


class IntakeSessionStore(SessionStore):
    @classmethod
    def get_model_class(cls) -> type[IntakeSession]:
        return IntakeSession

    def get_session_cookie_age(self) -> int:
        return settings.SURVEY_SESSION_SECONDS


def clear_expired_intake_sessions() -> int:
    deleted, _ = IntakeSession.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


class IntakeRequest(HttpRequest):
    """A request to a view under with_intake_session: it carries the survey's own session."""

    intake_session: IntakeSessionStore


P = ParamSpec("P")


def with_intake_session(
    view: Callable[Concatenate[IntakeRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Gives the view request.intake_session, and saves it (or forgets it) afterwards, as
    Django's SessionMiddleware does for request.session."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        store = IntakeSessionStore(request.COOKIES.get(SURVEY_SESSION_COOKIE))
        intake_request = cast(IntakeRequest, request)
        intake_request.intake_session = store
        response = view(intake_request, *args, **kwargs)
        if store.is_empty():
            if SURVEY_SESSION_COOKIE in request.COOKIES:
                response.delete_cookie(
                    SURVEY_SESSION_COOKIE, path=SURVEY_SESSION_PATH, samesite="Lax"
                )
        elif store.modified and response.status_code < 500:
            store.save()
            assert store.session_key is not None  # save() gives a new session its key
            response.set_cookie(
                SURVEY_SESSION_COOKIE,
                store.session_key,
                path=SURVEY_SESSION_PATH,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    return wrapped
