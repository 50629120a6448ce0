from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = _("知识条目")

    def ready(self):
        from . import versioning

        versioning.connect()
