import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from questions.models import Document, Entry


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Import the five seed documents once into the test database."""
    with django_db_blocker.unblock():
        call_command("import_seeds", verbosity=0)


@pytest.fixture
def seeded(db):
    """The seed corpus (imported once per session; each test rolls back its changes)."""
    assert Document.objects.count() == 5
    return Entry.objects


def entry(source, section):
    """The entry at ``section`` of the seed whose file name starts with ``source`` ("001")."""
    return Entry.objects.get(document__filename__startswith=f"{source}_", key=section)


@pytest.fixture
def seeded_live(transactional_db):
    """The seed corpus for a live server (transactional tests start from an empty database)."""
    if not Document.objects.exists():
        call_command("import_seeds", verbosity=0)
    return Entry.objects


@pytest.fixture(autouse=True)
def default_language():
    """Requests activate their language in this thread; start every test in the default one."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
