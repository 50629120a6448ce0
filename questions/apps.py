from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = _("知识条目")

    def ready(self):
        from . import history, versioning

        versioning.connect()
        history.connect()  # after modeltranslation's ready(): the history sees _zh_hans/_en
