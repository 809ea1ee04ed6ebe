from tests.access_matrix import DATA_MANAGERS, PUBLIC, SIGNED_IN, Route, statuses

ROUTES = [
    Route("core:home", SIGNED_IN),
    Route("core:healthz", PUBLIC),
    Route("core:accessibility", PUBLIC),
    Route("core:privacy", PUBLIC),
    Route("core:cookies", PUBLIC),
    Route("core:ethnicity_labels", DATA_MANAGERS),
    Route("core:ethnicity_label_edit", DATA_MANAGERS, kwargs=lambda: {"code": "BCRB"}),
    # Signed-in people are sent on to the home page.
    Route("accounts:login", statuses(200, 302, 302, 302)),
    # Sign-out is POST only.
    Route("accounts:logout", statuses(405, 405, 405, 405)),
    Route("accounts:password_change", SIGNED_IN),
    # The admin is for superusers only: staff roles are sent to its own sign-in page.
    Route("admin:index", statuses(302, 302, 302, 302)),
]
