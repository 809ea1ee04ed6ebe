import pytest
from django.test import Client

from tests.personas import make_persona, make_user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas need a password, not a production-strength hash: PBKDF2 costs ~1 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _tasks_run_as_queued(settings):
    """Background tasks run as they are queued (django-tasks' immediate backend), so a test sees
    their work; a test of the worker itself sets DATABASE_TASKS and runs db_worker --batch."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def service_manager(db):
    return make_persona("service_manager")


@pytest.fixture
def steering_member(db):
    return make_persona("steering_member")


@pytest.fixture
def data_manager(db):
    return make_persona("data_manager")


@pytest.fixture
def user_without_role(db):
    return make_user("no.role")


@pytest.fixture
def client_as(db):
    """client_as(user) gives a test client signed in as that user."""

    def signed_in(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return signed_in


@pytest.fixture
def service_manager_client(client_as, service_manager):
    return client_as(service_manager)


@pytest.fixture
def steering_client(client_as, steering_member):
    return client_as(steering_member)


@pytest.fixture
def data_manager_client(client_as, data_manager):
    return client_as(data_manager)


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Each test starts with no copies kept by arp_portal.core.local_cache."""
    from arp_portal.core.local_cache import clear_all

    clear_all()
    yield
    clear_all()
