from django.contrib import admin

from kb.forms import LineEndingsForm

from .models import Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    form = LineEndingsForm
    list_display = ("zh", "pinyin", "en", "definition_zh")
    search_fields = ("zh", "en", "pinyin", "zh_aliases", "en_aliases")
    fields = (
        ("zh", "pinyin"), "zh_aliases", "definition_zh", "en", "en_aliases", "definition_en",
    )  # fmt: skip
