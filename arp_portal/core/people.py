"""How the portal names a person: their full name, or their username where none is recorded."""


def display_name(user) -> str:
    """ "" for no user; the caller says what an absent person means on its page."""
    if user is None:
        return ""
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full_name or user.get_username()
