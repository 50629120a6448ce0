from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Document, Entry, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_zh", "name_en", "position"]
    list_editable = ["position"]
    search_fields = ["slug", "name_zh", "name_en"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["filename", "display_title", "imported_at"]
    search_fields = ["filename", "title"]
    readonly_fields = [f.name for f in Document._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DuplicateFilter(admin.SimpleListFilter):
    title = _("重复")
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("exact", _("逐字重复")), ("similar", _("近似重复")), ("no", _("不重复"))]

    def queryset(self, request, queryset):
        if self.value() == "exact":
            return queryset.filter(duplicate_of__isnull=False)
        if self.value() == "similar":
            return queryset.filter(similar_to__isnull=False)
        if self.value() == "no":
            return queryset.filter(duplicate_of__isnull=True, similar_to__isnull=True)
        return queryset


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = [
        "question", "document", "section", "topic_list", "is_published", "incomplete",
        "duplicate_of", "updated_at",
    ]  # fmt: skip
    list_display_links = ["question"]
    list_filter = ["topics", "document", "kind", "incomplete", DuplicateFilter, "is_published"]
    search_fields = ["question", "prompt", "answer", "example", "section"]
    list_select_related = ["document", "duplicate_of"]
    filter_horizontal = ["topics"]
    readonly_fields = ["document", "section", "kind", "parent", "duplicate_of", "similar_to",
                       "incomplete", "created_at", "updated_at"]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["question", "prompt", "answer", "example"]}),
        (_("发布与主题"), {"fields": ["is_published", "topics", "topics_locked"]}),
        (
            _("来源"),
            {
                "fields": [
                    "document",
                    "section",
                    "kind",
                    "parent",
                    "incomplete",
                    "duplicate_of",
                    "similar_to",
                    "created_at",
                    "updated_at",
                ]
            },  # fmt: skip
        ),
    ]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics")

    @admin.display(description=_("主题"))
    def topic_list(self, obj):
        return ", ".join(t.name_zh for t in obj.topics.all())

    def has_add_permission(self, request):
        return False  # entries come from seed documents

    def save_related(self, request, form, formsets, change):
        if "topics" in form.changed_data:
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
