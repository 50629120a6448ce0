from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from kb.forms import LineEndingsForm
from search.signals import deferred_indexing

from .admin_history import EntryHistoryAdminMixin
from .admin_preview import EntryPreviewAdminMixin
from .edit_conflicts import ConcurrencyFormMixin, StaleEntry
from .history import recording
from .models import Document, Entry, Phrasing, Topic, TranslationState


def localized(fields, suffix):
    return [f"{name}_{suffix}" for name in fields]


class TranslationStatusFilter(admin.SimpleListFilter):
    """English: missing / stale / current, in SQL (``source_hash`` is the saved Chinese)."""

    title = _("英文")
    parameter_name = "english"

    def lookups(self, request, model_admin):
        return TranslationState.Status.choices

    def queryset(self, request, queryset):
        model = queryset.model
        missing = Q()
        for name in model.translated_texts:
            missing |= ~Q(**{f"{name}_zh_hans": ""}) & Q(**{f"{name}_en": ""})
        if self.value() == TranslationState.Status.MISSING:
            return queryset.filter(missing)
        if self.value() == TranslationState.Status.STALE:
            return queryset.exclude(missing).exclude(en_source_hash=F("source_hash"))
        if self.value() == TranslationState.Status.CURRENT:
            return queryset.exclude(missing).filter(en_source_hash=F("source_hash"))
        return queryset


class TranslatedAdmin(TranslationAdmin):
    """Chinese and English side by side: a fieldset per language (see admin/kb.css)."""

    form = LineEndingsForm

    class Media:
        css = {"all": ["admin/kb.css"]}

    def language_fieldsets(self, names):
        return [
            (
                _("中文"),
                {"fields": localized(names, "zh_hans"), "classes": ["kb-lang", "kb-lang-zh"]},
            ),
            (_("英文"), {"fields": localized(names, "en"), "classes": ["kb-lang", "kb-lang-en"]}),
        ]

    STATUS_SHORT = {
        TranslationState.Status.MISSING: _("缺少"),
        TranslationState.Status.STALE: _("过时"),
        TranslationState.Status.CURRENT: _("最新"),
    }

    @admin.display(description=_("英文"))
    def english_status(self, obj):
        return self.STATUS_SHORT[obj.translation_status]

    def save_model(self, request, obj, form, change):
        # An English edit of a translated text (entries, documents) makes that English the
        # current translation of its Chinese; topics keep no such state.
        translated = isinstance(obj, TranslationState)
        if translated and any(name.endswith("_en") for name in form.changed_data):
            obj.mark_translation_current()
        super().save_model(request, obj, form, change)


@admin.register(Topic)
class TopicAdmin(TranslatedAdmin):
    list_display = ["slug", "name_zh_hans", "name_en", "position"]
    list_editable = ["position"]
    search_fields = ["slug", "name_zh_hans", "name_en"]

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["slug", "position"]}),
            *self.language_fieldsets(["name", "description"]),
        ]


@admin.register(Document)
class DocumentAdmin(TranslatedAdmin):
    """Documents come from the seeds: the Chinese is read-only, the English editable."""

    list_display = ["filename", "display_title", "english_status", "imported_at"]
    list_filter = [TranslationStatusFilter]
    search_fields = ["filename", "title_zh_hans", "title_en"]
    readonly_fields = [
        "filename", *localized(Document.translated_texts, "zh_hans"), "imported_at",
        "source_changed_at",
    ]  # fmt: skip

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["filename", "imported_at", "source_changed_at"]}),
            *self.language_fieldsets(Document.translated_texts),
        ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DuplicateFilter(admin.SimpleListFilter):
    title = _("重复")
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [
            ("folded", _("并入其他条目")),
            ("canonical", _("有重复并入")),
            ("no", _("不重复")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "folded":
            return queryset.filter(duplicate_of__isnull=False)
        if self.value() == "canonical":
            return queryset.filter(duplicates__isnull=False).distinct()
        if self.value() == "no":
            return queryset.filter(duplicate_of__isnull=True, duplicates__isnull=True)
        return queryset


class EntryAdminForm(ConcurrencyFormMixin, LineEndingsForm):
    def clean_duplicate_of(self):
        target = self.cleaned_data.get("duplicate_of")
        if target is not None and target.pk == self.instance.pk:
            raise ValidationError(_("条目不能重复于自己。"))
        if target is not None and target.duplicate_of_id:
            raise ValidationError(
                _("“%(entry)s”本身已并入其他条目，请选择它所并入的条目。") % {"entry": target}
            )
        return target

    def clean(self):
        cleaned = super().clean()
        primary, chosen = cleaned.get("primary_topic"), cleaned.get("topics")
        if primary is not None and chosen is not None and primary not in chosen:
            if "primary_topic" in self.changed_data:
                self.add_error(
                    "primary_topic",
                    _("主要主题“%(topic)s”不在所选主题中：请先选择它，或换一个主要主题。")
                    % {"topic": primary.name},
                )
            else:  # its topic was taken off: the breadcrumb shows the first one left
                cleaned["primary_topic"] = None
        return cleaned


class TopicReviewFilter(admin.SimpleListFilter):
    """Entries whose topics only the classifier chose (none, when nothing matched)."""

    title = _("主题来源")
    parameter_name = "topics_from"

    def lookups(self, request, model_admin):
        return [("review", _("待编辑确认")), ("none", _("没有主题"))]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(topics_suggested=True, topics_locked=False)
        if self.value() == "none":
            return queryset.filter(topics__isnull=True)
        return queryset


class PhrasingFormSet(BaseInlineFormSet):
    def get_unique_error_message(self, unique_check):
        if set(unique_check) - {self.fk.name} == {"language", "text"}:  # Phrasing's constraint
            return _("同一种语言的问法不能重复。")
        return super().get_unique_error_message(unique_check)


class PhrasingInline(admin.TabularInline):
    model = Phrasing
    formset = PhrasingFormSet
    fields = ["language", "text", "position"]
    extra = 1


@admin.register(Entry)
class EntryAdmin(EntryHistoryAdminMixin, EntryPreviewAdminMixin, TranslatedAdmin):
    form = EntryAdminForm
    change_form_template = "admin/questions/entry/change_form.html"
    list_display = [
        "question_zh_hans", "question_en", "source_number", "section", "topic_list",
        "english_status", "is_published",
    ]  # fmt: skip
    list_display_links = ["question_zh_hans"]
    list_filter = [
        TranslationStatusFilter, "topics", TopicReviewFilter, "document", "kind", "incomplete",
        DuplicateFilter, "is_published",
    ]  # fmt: skip
    search_fields = [
        "question_zh_hans", "question_en", "prompt_zh_hans", "prompt_en", "answer_zh_hans",
        "answer_en", "example_zh_hans", "example_en", "section", "phrasings__text",
    ]  # fmt: skip
    list_select_related = ["document"]
    filter_horizontal = ["topics"]
    inlines = [PhrasingInline]
    readonly_fields = ["document", "section", "kind", "parent", "incomplete", "source_changed_at",
                       "created_at", "updated_at"]  # fmt: skip
    autocomplete_fields = ["duplicate_of"]
    actions = ["publish", "unpublish"]

    def get_fieldsets(self, request, obj=None):
        return [
            *self.language_fieldsets(Entry.translated_texts),
            (
                _("发布与主题"),
                {"fields": ["is_published", "topics", "primary_topic", "topics_locked"]},
            ),
            (
                _("重复"),
                {
                    "fields": ["duplicate_of", "duplicate_locked"],
                    "description": _(
                        "拆分：清空“重复于”。合并：选择要并入的条目。保存后重新导入不会改变这一选择。"
                    ),
                },
            ),
            (
                _("来源"),
                {
                    "fields": [
                        "document",
                        "section",
                        "kind",
                        "parent",
                        "incomplete",
                        "source_changed_at",
                        "created_at",
                        "updated_at",
                        "opened_revision",
                    ]
                },
            ),  # fmt: skip
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "primary_topic":  # a choice among its topics, not a topic editor
            widget = field.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return field

    class Media:  # added to TranslatedAdmin's
        css = {"all": ["admin/kb_history.css"]}
        js = ["admin/entry_preview.js"]

    def changeform_view(self, request, *args, **kwargs):
        """One index write and one history version per save: the entry, its topics and its
        phrasings each save in turn; the entry is indexed and recorded once at the end, still
        inside the save's transaction. A save that lost the race to another editor's (the
        form's check passed, the row had moved on by the write) is rolled back whole and
        the form checked again, which returns it to its author with both texts."""
        try:
            with transaction.atomic(), deferred_indexing(), recording(request.user):
                return super().changeform_view(request, *args, **kwargs)
        except StaleEntry:
            return self.changeform_view(request, *args, **kwargs)

    def changelist_view(self, request, extra_context=None):
        with recording(request.user):  # actions: publish / unpublish
            return super().changelist_view(request, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        with recording(request.user):
            return super().delete_view(request, object_id, extra_context)

    @admin.display(description=_("来源"), ordering="document__filename")
    def source_number(self, obj):
        """The seed's number ("000"): the document filter names it in full."""
        return obj.document.filename.split("_", 1)[0]

    @admin.display(description=_("主题"))
    def topic_list(self, obj):
        return ", ".join(t.name_zh_hans for t in obj.topics.all())

    def has_add_permission(self, request):
        return False  # entries come from seed documents

    def get_search_results(self, request, queryset, search_term):
        """Autocomplete for "重复于" offers canonical entries only."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(duplicate_of__isnull=True)
        return queryset.distinct(), False

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        merged = getattr(request, "kb_merged_data", None)
        if merged is not None and "data" in kwargs:
            kwargs["data"] = merged
        return kwargs

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if getattr(form, "conflict", None) is not None and obj is not None:
            # Refused as stale, the form came back with the other editor's changes merged
            # in (edit_conflicts): so do its phrasings, bound to the same merged data.
            request.kb_merged_data = form.data
            formsets, inlines = self._create_formsets(request, obj, change=True)
            context["inline_admin_formsets"] = self.get_inline_formsets(
                request, formsets, inlines, obj
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if change and not obj.claim():
            raise StaleEntry(obj.pk)
        if "duplicate_of" in form.changed_data:
            obj.duplicate_locked = True
        super().save_model(request, obj, form, change)
        if obj.duplicate_of_id:  # merged: what was folded into it follows it
            for other in obj.duplicates.all():
                other.duplicate_of_id = obj.duplicate_of_id
                other.save(update_fields=["duplicate_of"])

    def save_related(self, request, form, formsets, change):
        if {"topics", "primary_topic"} & set(form.changed_data):
            form.instance.topics_locked = True
            form.instance.save(update_fields=["topics_locked"])
        super().save_related(request, form, formsets, change)

    def _set_published(self, request, queryset, value):
        count = 0
        for entry in queryset:  # one save each, so each entry's index row follows
            if entry.is_published != value:
                entry.is_published = value
                entry.save(update_fields=["is_published", "updated_at"])
                count += 1
        return count

    @admin.action(description=_("发布所选条目"))
    def publish(self, request, queryset):
        n = self._set_published(request, queryset, True)
        self.message_user(
            request, ngettext("已发布 %d 个条目。", "已发布 %d 个条目。", n) % n, messages.SUCCESS
        )

    @admin.action(description=_("取消发布所选条目"))
    def unpublish(self, request, queryset):
        n = self._set_published(request, queryset, False)
        self.message_user(
            request,
            ngettext("已取消发布 %d 个条目。", "已取消发布 %d 个条目。", n) % n,
            messages.SUCCESS,
        )
