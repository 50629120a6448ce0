import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.urls import reverse
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


@pytest.fixture
def page_cache(settings):
    """The page and search cache switched on (the suite runs without it), empty."""
    settings.KB_PAGE_CACHE_ENABLED = True
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@pytest.fixture(autouse=True)
def default_language():
    """Requests activate their language in this thread; start every test in the default one."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def change_form_data(client, e, **changes):
    """The entry's change form as the admin page fills it (its phrasings inline included),
    with ``changes`` applied."""
    url = reverse("admin:questions_entry_change", args=[e.pk])
    context = client.get(url).context
    form = context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        data[management.add_prefix("TOTAL_FORMS")] = len(formset.initial_forms)  # no blank row
        for subform in formset.initial_forms:
            for name in subform.fields:
                value = subform[name].value()
                if value is not None:
                    data[subform.add_prefix(name)] = getattr(value, "pk", value)
    data["topics"] = [t.pk for t in e.topics.all()]
    for flag in ("is_published", "topics_locked"):
        if data.get(flag) is False:
            del data[flag]
    data.update(changes)
    return url, data
