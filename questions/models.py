import hashlib
import re

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .markup import plain_text, render_markdown
from .seeds import EntryLayout


def _in_language(zh, en):
    return en if (get_language() or "").startswith("en") and en else zh


class Topic(models.Model):
    slug = models.SlugField(_("标识"), unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=50)
    description_zh = models.CharField(_("中文简介"), max_length=200, blank=True)
    description_en = models.CharField(_("英文简介"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("主题")
        verbose_name_plural = _("主题")

    def __str__(self):
        return f"{self.name_zh} / {self.name_en}"

    def get_absolute_url(self):
        return reverse("questions:topic", args=[self.slug])

    @property
    def name(self):
        return _in_language(self.name_zh, self.name_en)

    @property
    def description(self):
        return _in_language(self.description_zh, self.description_en)


class Document(models.Model):
    """One seed file, with the parts of it that belong to no entry."""

    filename = models.CharField(_("文件名"), max_length=200, unique=True)
    title = models.CharField(_("标题"), max_length=300, blank=True)
    title_level = models.PositiveSmallIntegerField(_("标题级别"), default=0)
    keywords = models.TextField(_("关键词"), blank=True)
    abstract = models.TextField(_("摘要"), blank=True)
    intro = models.TextField(_("引言"), blank=True)
    outro = models.TextField(_("结尾"), blank=True)
    original_text = models.TextField(_("原文"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    imported_at = models.DateTimeField(_("导入时间"), auto_now=True)

    class Meta:
        ordering = ["filename"]
        verbose_name = _("来源文档")
        verbose_name_plural = _("来源文档")

    def __str__(self):
        return self.display_title

    def get_absolute_url(self):
        return reverse("questions:document", args=[self.slug])

    @property
    def slug(self):
        return self.filename.removesuffix(".txt")

    @property
    def display_title(self):
        """The heading, or for a document without one the first clause of its abstract
        ("本文将探讨AI大模型在创业过程中的技术挑战，…" → "AI大模型在创业过程中的技术挑战")."""
        if self.title:
            return self.title
        clause = re.split(r"[，。；]", self.abstract_text)[0]
        clause = re.sub(r"^本文(?:将|主要)?(?:探讨|介绍|讨论|分析|阐述)?了?", "", clause)
        return clause[:60] or self.filename

    @property
    def keyword_list(self):
        text = self.keywords.split("：", 1)[-1]
        return [k.strip() for k in text.split("、") if k.strip()]

    @property
    def abstract_text(self):
        return re.sub(r"^>?\s*摘要[：:]\s*", "", self.abstract).strip()


class EntryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def canonical(self):
        """Listings show an entry repeated word for word only once."""
        return self.filter(duplicate_of__isnull=True)

    def in_document_order(self):
        return self.order_by("document__filename", "position")


class Entry(EntryLayout, models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", _("问答")
        SECTION = "section", _("章节")
        CLOSING = "closing", _("结语")

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="entries", verbose_name=_("来源文档")
    )
    key = models.CharField(
        _("导入键"), max_length=300, help_text=_("在来源文档中识别此条目：章节号，无编号时为标题。")
    )
    position = models.PositiveIntegerField(_("文档中的位置"))
    section = models.CharField(_("章节号"), max_length=20, blank=True)
    section_label = models.CharField(_("章节号原文"), max_length=21, blank=True, editable=False)
    heading_level = models.PositiveSmallIntegerField(_("标题级别"), default=3)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级章节"),
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind, default=Kind.QUESTION)

    question = models.CharField(_("问题"), max_length=300)
    prompt = models.TextField(_("题目"), blank=True)
    answer = models.TextField(_("答案"), blank=True)
    example = models.TextField(_("举例"), blank=True)
    marked = models.BooleanField(
        _("带“答案”标记"), default=False, help_text=_("来源中答案以 **答案：** 开头。")
    )
    prompt_html = models.TextField(editable=False, blank=True)
    answer_html = models.TextField(editable=False, blank=True)
    example_html = models.TextField(editable=False, blank=True)

    topics = models.ManyToManyField(
        Topic, related_name="entries", blank=True, verbose_name=_("主题")
    )
    topics_locked = models.BooleanField(
        _("主题由管理员指定"),
        default=False,
        help_text=_("选中后，重新导入不会改变此条目的主题。"),
    )
    is_published = models.BooleanField(_("已发布"), default=True, db_index=True)
    incomplete = models.BooleanField(_("原文不完整"), default=False)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("重复于"),
        help_text=_("问题和答案与另一条目逐字相同。"),
    )
    similar_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="similar",
        verbose_name=_("近似于"),
        help_text=_("答案相同、问题措辞不同。"),
    )
    imported_hash = models.CharField(
        _("导入时内容摘要"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("上次导入时文本的摘要；与当前文本不同即表示管理员改过。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["document__filename", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "key"], name="entry_unique_key"),
        ]
        indexes = [models.Index(fields=["document", "position"])]
        verbose_name = _("条目")
        verbose_name_plural = _("条目")

    def __str__(self):
        return f"{self.section} {self.question}".strip()

    def save(self, *args, **kwargs):
        """Derive the HTML of the Markdown fields being saved (all of them by default)."""
        update_fields = kwargs.get("update_fields")
        rendered = [
            f
            for f in ("prompt", "answer", "example")
            if update_fields is None or f in update_fields
        ]
        for name in rendered:
            setattr(self, f"{name}_html", render_markdown(getattr(self, name)))
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *(f"{name}_html" for name in rendered)}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("questions:entry", args=[self.pk])

    @property
    def anchor(self):
        """The id of this entry on its document's page: ``s-10-36``, or ``e-<pk>``."""
        return f"s-{self.section.replace('.', '-')}" if self.section else f"e-{self.pk}"

    @property
    def content_hash(self):
        return content_hash(self.question, self.prompt, self.answer, self.example)

    @property
    def edited_since_import(self):
        return bool(self.imported_hash) and self.imported_hash != self.content_hash

    @property
    def summary(self):
        """The answer's first line, as plain text."""
        return plain_text(self.answer)[:120]


def content_hash(*parts):
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
