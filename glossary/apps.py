from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GlossaryConfig(AppConfig):
    name = "glossary"
    verbose_name = _("术语表")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from questions import versioning

        from .models import Term

        # The glossary shows on its pages and widens searches: a change is a new version.
        versioning.track(Term)
