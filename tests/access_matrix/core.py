from arp_portal.core.roles import SERVICE_MANAGER
from tests.access_matrix import DATA_MANAGERS, PUBLIC, SIGNED_IN, Route, statuses
from tests.personas import make_user


def _a_user():
    return make_user("someone.else", SERVICE_MANAGER)


ROUTES = [
    Route("core:home", SIGNED_IN),
    Route("core:healthz", PUBLIC),
    Route("core:accessibility", PUBLIC),
    Route("core:privacy", PUBLIC),
    Route("core:cookies", PUBLIC),
    # What "c" means: public, like the privacy notice, since it explains what is never shown.
    Route("core:hidden_figures", PUBLIC),
    Route("core:ethnicity_labels", DATA_MANAGERS),
    Route("core:ethnicity_label_edit", DATA_MANAGERS, kwargs=lambda: {"code": "BCRB"}),
    # Signed-in people are sent on to the home page.
    Route("accounts:login", statuses(200, 302, 302, 302)),
    # Sign-out is POST only.
    Route("accounts:logout", statuses(405, 405, 405, 405)),
    Route("accounts:password_change", SIGNED_IN),
    Route("accounts:users", DATA_MANAGERS),
    Route("accounts:user_create", DATA_MANAGERS),
    Route("accounts:user_update", DATA_MANAGERS, kwargs=lambda: {"pk": _a_user().pk}),
    # The admin is for superusers only: staff roles are sent to its own sign-in page.
    Route("admin:index", statuses(302, 302, 302, 302, auditor=302)),
]
