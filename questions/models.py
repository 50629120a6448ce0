import hashlib
import re
from functools import lru_cache

from django.db import models
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from kb.links import reverse

from .markup import plain_text, render_markdown
from .seeds import EntryLayout

# The language the seeds are written in, and the one they are translated into. The
# translated fields (questions/translation.py) have a column per language.
SOURCE_LANGUAGE = "zh-hans"
TRANSLATION_LANGUAGE = "en"
HTML_LANG = {SOURCE_LANGUAGE: "zh-Hans", TRANSLATION_LANGUAGE: "en"}


def in_language(obj, field, language):
    """The text of translated ``field`` in ``language``, without any fallback."""
    return getattr(obj, build_localized_fieldname(field, language)) or ""


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def content_hash(*parts):
    return sha256("\x1f".join(parts))


def reading_english():
    return (get_language() or "").startswith(TRANSLATION_LANGUAGE)


class TranslationState(models.Model):
    """Whether an object's English is missing, current, or behind its Chinese.

    ``en_source_hash`` is the digest of the Chinese the English was written from (the
    translation file's per-text SHA-256s, or the Chinese at the moment an editor saved
    English); the English is stale when the Chinese digest moves on. ``en_imported_hash``
    is the English as last imported, so a re-import never overwrites an editor's English.
    """

    class Status(models.TextChoices):
        MISSING = "missing", _("缺少英文")
        STALE = "stale", _("英文可能过时")
        CURRENT = "current", _("英文为最新")

    translated_texts = ()  # the fields whose English a translation file carries

    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    source_changed_at = models.DateTimeField(_("中文更新时间"), null=True, editable=False)
    en_source_hash = models.CharField(max_length=64, blank=True, editable=False)
    en_imported_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    def source_digest(self):
        """One digest of the Chinese texts: the SHA-256 of each, joined and hashed (so a
        translation file's per-text SHA-256s give the same digest)."""
        return content_hash(
            *(sha256(in_language(self, f, SOURCE_LANGUAGE)) for f in self.translated_texts)
        )

    def english_digest(self):
        return content_hash(
            *(in_language(self, f, TRANSLATION_LANGUAGE) for f in self.translated_texts)
        )

    @property
    def translation_status(self):
        for f in self.translated_texts:
            if in_language(self, f, SOURCE_LANGUAGE) and not in_language(
                self, f, TRANSLATION_LANGUAGE
            ):
                return self.Status.MISSING
        if self.en_source_hash != self.source_digest():
            return self.Status.STALE
        return self.Status.CURRENT

    def mark_translation_current(self):
        """The English now translates the Chinese as it is (an editor saved it)."""
        self.en_source_hash = self.source_digest()

    def track_source_change(self):
        """Note when the Chinese changed; called on every save."""
        digest = self.source_digest()
        if digest != self.source_hash:
            self.source_hash = digest
            self.source_changed_at = timezone.now()
            return True
        return False

    def shown_lang(self, field):
        """The BCP 47 tag of the language ``obj.field`` is shown in on this request."""
        if reading_english() and in_language(self, field, TRANSLATION_LANGUAGE):
            return HTML_LANG[TRANSLATION_LANGUAGE]
        return HTML_LANG[SOURCE_LANGUAGE]

    @property
    def falls_back(self):
        """An English reader is shown Chinese text here: the English is missing."""
        return reading_english() and self.translation_status == self.Status.MISSING

    @property
    def is_behind(self):
        """An English reader is shown English that may not reflect the Chinese."""
        return reading_english() and self.translation_status == self.Status.STALE


class Topic(models.Model):
    slug = models.SlugField(_("标识"), unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("简介"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("主题")
        verbose_name_plural = _("主题")

    def __str__(self):
        return f"{self.name_zh_hans} / {self.name_en}"

    def get_absolute_url(self):
        return reverse("questions:topic", args=[self.slug])


class Document(TranslationState, models.Model):
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

    translated_texts = ("title", "keywords", "abstract", "intro", "outro")

    class Meta:
        ordering = ["filename"]
        verbose_name = _("来源文档")
        verbose_name_plural = _("来源文档")

    def __str__(self):
        return self.display_title

    def save(self, *args, **kwargs):
        self.track_source_change()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("questions:document", args=[self.slug])

    @property
    def slug(self):
        return self.filename.removesuffix(".txt")

    @property
    def display_title(self):
        """The heading (an English one may be written for a document that has none in
        Chinese), or else the first clause of the Chinese abstract
        ("本文将探讨AI大模型在创业过程中的技术挑战，…" → "AI大模型在创业过程中的技术挑战")."""
        if self.title:
            return self.title
        clause = re.split(r"[，。；]", self.abstract_text)[0]
        clause = re.sub(r"^本文(?:将|主要)?(?:探讨|介绍|讨论|分析|阐述)?了?", "", clause)
        return clause[:60] or self.filename

    @property
    def title_lang(self):
        return self.shown_lang("title") if self.title else self.shown_lang("abstract")

    @property
    def keyword_list(self):
        text = re.split(r"[：:]", self.keywords, maxsplit=1)[-1]
        return [k.strip() for k in re.split(r"[、,;，；]", text) if k.strip()]

    @property
    def abstract_text(self):
        return re.sub(r"^>?\s*(?:摘要|Abstract)[：:]\s*", "", self.abstract, flags=re.I).strip()


class EntryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def canonical(self):
        """Listings show an entry repeated word for word only once."""
        return self.filter(duplicate_of__isnull=True)

    def listed(self):
        """What readers meet as entries: published, canonical, with text of their own, and
        not a document's closing (shown on its document page, as every document's is)."""
        return self.published().canonical().filter(has_body=True).exclude(kind="closing")

    def in_document_order(self):
        return self.order_by("document__filename", "position")

    def for_listing(self):
        """Listed entries with what a listing shows (and nothing it does not), in document
        order; their topics come from shown_topics.with_topics()."""
        return self.listed().select_related("document").defer(*LISTING_DEFERS).in_document_order()


class Entry(EntryLayout, TranslationState, models.Model):
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
    primary_topic = models.ForeignKey(
        Topic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("主要主题"),
        help_text=_("条目页面包屑显示的主题，须是所选主题之一；留空则显示排在最前的主题。"),
    )
    topics_locked = models.BooleanField(
        _("主题由管理员指定"),
        default=False,
        help_text=_("选中后，重新导入不会改变此条目的主题。"),
    )
    topics_suggested = models.BooleanField(
        _("主题待编辑确认"),
        default=False,
        editable=False,
        help_text=_("主题由分类器建议（编辑文件未列出此条目），或分类器没有找到主题。"),
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
        help_text=_("答案与这个条目相同（可能换了措辞、顺序或多一条）：本条目并入它显示。"),
    )
    duplicate_locked = models.BooleanField(
        _("重复归并由管理员指定"),
        default=False,
        help_text=_("选中后，重新导入不会改变此条目是否重复、重复于哪个条目。"),
    )
    imported_hash = models.CharField(
        _("导入时内容摘要"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("上次导入时文本的摘要；与当前文本不同即表示管理员改过。"),
    )
    has_body = models.BooleanField(
        _("有正文"),
        default=True,
        editable=False,
        help_text=_("没有正文的章节标题不作为条目发布，只在来源文档中显示。"),
    )
    phrasings_imported_hash = models.CharField(max_length=64, blank=True, editable=False)
    revision = models.PositiveIntegerField(
        _("修订号"),
        default=0,
        editable=False,
        help_text=_("每次保存加一：编辑表单记下打开时的修订号，据此发现别人在此期间的保存。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EntryQuerySet.as_manager()

    translated_texts = ("question", "prompt", "answer", "example")

    class Meta:
        ordering = ["document__filename", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "key"], name="entry_unique_key"),
        ]
        indexes = [models.Index(fields=["document", "position"])]
        verbose_name = _("条目")
        verbose_name_plural = _("条目")

    def __str__(self):
        return f"{self.section} {self.question_zh_hans}".strip()

    def save(self, *args, **kwargs):
        """Derive the HTML of the Markdown fields being saved (all of them by default), in
        each language, note when the Chinese changed, and count the revision."""
        update_fields = kwargs.get("update_fields")
        derived = self.render_html(update_fields)
        self.revision += 1
        derived.add("revision")
        if self.track_source_change():
            derived |= {"source_hash", "source_changed_at"}
        bodies = (in_language(self, f, SOURCE_LANGUAGE) for f in ("prompt", "answer", "example"))
        self.has_body = any(bodies)
        derived.add("has_body")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("questions:entry", args=[self.pk])

    def render_html(self, update_fields=None):
        """Render the Markdown fields (those in ``update_fields``, all by default) into their
        ``*_html`` columns, in each language; returns the names of the columns set. The one
        rendering of entry text: saves and the admin's preview both use it."""
        rendered = set()
        for name in ("prompt", "answer", "example"):
            for language in (SOURCE_LANGUAGE, TRANSLATION_LANGUAGE):
                field = build_localized_fieldname(name, language)
                if update_fields is None or field in update_fields or name in update_fields:
                    html = build_localized_fieldname(f"{name}_html", language)
                    setattr(self, html, render_markdown(getattr(self, field) or ""))
                    rendered.add(html)
        return rendered

    def claim(self):
        """Lock this entry's row for the rest of the transaction if no save committed since
        it was read (its revision is still ours): a conditional UPDATE, so the check and the
        write that follows cannot be split by another editor's commit. False otherwise."""
        still_ours = Entry.objects.filter(pk=self.pk, revision=self.revision)
        return still_ours.update(revision=models.F("revision")) == 1

    @property
    def has_page(self):
        """Has the entry a page of its own (questions:entry)? A heading without a body or a
        document's closing text is read on the document's page only."""
        return self.has_body and self.kind != self.Kind.CLOSING

    @property
    def is_listed(self):
        return self.is_published and self.duplicate_of_id is None and self.has_page

    def filed_under(self, topics):
        """The entry's ``topics`` with the one it is filed under first (its breadcrumb):
        the primary topic the editors chose, if it is still one of them, else the first."""
        primary = [t for t in topics if t.pk == self.primary_topic_id]
        return primary + [t for t in topics if t not in primary]

    @property
    def anchor(self):
        """The id of this entry on its document's page: ``s-10-36``, or ``e-<pk>``."""
        return f"s-{self.section.replace('.', '-')}" if self.section else f"e-{self.pk}"

    @property
    def content_hash(self):
        """The Chinese texts, as the seed import compares them."""
        return content_hash(*(in_language(self, f, SOURCE_LANGUAGE) for f in self.translated_texts))

    def phrasings_digest(self):
        rows = self.phrasings.order_by("language", "position", "pk").values_list("language", "text")
        return content_hash(*(f"{language}:{text}" for language, text in rows))

    @property
    def edited_since_import(self):
        return bool(self.imported_hash) and self.imported_hash != self.content_hash

    @property
    def summary(self):
        """The opening of the answer as plain text, cut with "…" where it goes on."""
        return summary_of(self.answer)


SUMMARY_LENGTH = 120


@lru_cache(maxsize=1024)
def summary_of(answer):
    """An answer's summary. A function of the text alone, so it is worked out once per
    process for each text a listing shows, never stale: an edited answer is a new key."""
    return Truncator(plain_text(answer)).chars(SUMMARY_LENGTH, truncate="…")


# What a link to a document never needs: its texts (its title may come from the abstract),
# up to 28 KB in the seeds; LINKED_DOCUMENT_TEXTS defers them through an entry's document.
DOCUMENT_TEXTS = ("original_text", "intro", "outro", "keywords")
LINKED_DOCUMENT_TEXTS = tuple(f"document__{name}" for name in DOCUMENT_TEXTS)

# What a listing never shows: the rendered HTML and the prompt and example texts (a
# translated field's name defers its column in every language and the original column,
# which otherwise holds a second copy of the Chinese HTML), and the document's own text.
LISTING_DEFERS = (
    "prompt", "example", "prompt_html", "answer_html", "example_html", *LINKED_DOCUMENT_TEXTS,
)  # fmt: skip

# What a link to an entry shows (previous/next, related entries): its section number and
# question in either language, and what its URL needs.
LINK_FIELDS = ("id", "document_id", "position", "section", "question")


class Phrasing(models.Model):
    """Another way a reader asks an entry's question ("也可以这样问 / Also asked as")."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="phrasings", verbose_name=_("条目")
    )
    language = models.CharField(
        _("语言"),
        max_length=10,
        choices=[(SOURCE_LANGUAGE, "中文"), (TRANSLATION_LANGUAGE, "English")],
    )
    text = models.CharField(_("问法"), max_length=200)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["entry", "language", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "language", "text"], name="phrasing_unique_text"
            ),
        ]
        verbose_name = _("其他问法")
        verbose_name_plural = _("其他问法")

    def __str__(self):
        return self.text

    @property
    def lang(self):
        return HTML_LANG[self.language]


class ContentVersion(models.Model):
    """One row: a token that changes with every change a reader could see.

    Bumped in the transaction of the change (see ``questions.versioning``), so it moves on
    for every web process at the moment the change commits, and a rolled-back change
    leaves it as it was. Caches key pages and searches by it; HTTP ETags are made of it.
    A random token, never a counter: a rolled-back bump cannot hand out a token twice.
    """

    token = models.CharField(max_length=32)
    changed = models.PositiveBigIntegerField()  # Unix seconds: what HTTP dates carry

    class Meta:
        verbose_name = _("内容版本")
        verbose_name_plural = _("内容版本")

    def __str__(self):
        return self.token
