from django.db import models
from django.utils.translation import gettext_lazy as _

from kb.links import reverse
from questions.models import content_hash


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


class Term(models.Model):
    """A domain term in both languages: shown on /glossary/, and used by search to bridge
    languages (an English term also searches its Chinese, and the reverse)."""

    zh = models.CharField(_("中文术语"), max_length=100, unique=True)
    en = models.CharField(_("英文术语"), max_length=150)
    pinyin = models.CharField(
        _("拼音"), max_length=300, blank=True, help_text=_("带声调，音节间空格；留空则自动生成。")
    )
    zh_aliases = models.TextField(_("中文别名"), blank=True, help_text=_("每行一个。"))
    en_aliases = models.TextField(_("英文别名"), blank=True, help_text=_("每行一个。"))
    definition_zh = models.TextField(_("中文释义"))
    definition_en = models.TextField(_("英文释义"))
    imported_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["pinyin", "zh"]
        verbose_name = _("术语")
        verbose_name_plural = _("术语")

    def __str__(self):
        return f"{self.zh} · {self.en}"

    def save(self, *args, **kwargs):
        if not self.pinyin:
            self.pinyin = toned_pinyin(self.zh)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("glossary-term", args=[self.pk])

    @property
    def content_hash(self):
        return content_hash(
            self.zh, self.en, self.pinyin, self.zh_aliases, self.en_aliases,
            self.definition_zh, self.definition_en,
        )  # fmt: skip

    @property
    def zh_forms(self):
        return [self.zh, *_lines(self.zh_aliases)]

    @property
    def en_forms(self):
        return [self.en, *_lines(self.en_aliases)]

    @property
    def sort_key(self):
        """Toneless pinyin, then the characters: 数据隐私 files under "shu ju yin si"."""
        return (_plain(self.pinyin).casefold(), self.zh)

    @property
    def initial(self):
        """The letter it is filed under: pinyin's first letter in Chinese, A–Z in English."""
        letter = (self.pinyin or self.zh)[:1]
        return _plain(letter).upper() if letter.isalpha() else "#"


def _plain(text):
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def toned_pinyin(text):
    from pypinyin import Style, pinyin

    return " ".join(s[0] for s in pinyin(text, style=Style.TONE, errors="default")).strip()
