"""Editors' views of what readers ask (weekly searches, CSV) and think (unhelpful votes)."""

from datetime import date

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import reports
from .models import EntryFeedback, FeedbackVote, SearchCount


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SearchCount)
class SearchReportAdmin(ReadOnly, admin.ModelAdmin):
    """The list page is the week's report: top queries, no results, rarely opened."""

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        monday = self._week(request.GET.get("week", ""))
        stats = reports.week_stats(monday)
        export = request.GET.get("export", "")
        if export in reports.REPORTS:
            body = reports.as_csv(reports.report(export, stats), request.build_absolute_uri)
            response = HttpResponse(body, content_type="text/csv; charset=utf-8")
            filename = f"searches-{export}-{monday.isoformat()}.csv"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        titles = {
            "top": _("最常搜索的查询"),
            "no-results": _("没有结果的查询"),
            "rarely-opened": _("结果很少被打开的查询"),
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("读者搜索"),
            "week": monday,
            "weeks": reports.weeks_with_data(),
            "reports": [
                (name, titles[name], reports.report(name, stats)[:50]) for name in reports.REPORTS
            ],
            "min_searches": reports.RARELY_OPENED_MIN_SEARCHES,
            "rate_percent": round(reports.RARELY_OPENED_RATE * 100),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/insights/search_report.html", context)

    @staticmethod
    def _week(value):
        try:
            return reports.week_of(date.fromisoformat(value))
        except ValueError:
            return reports.week_of(timezone.localdate())


@admin.register(FeedbackVote)
class FeedbackVoteAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["entry", "helpful", "comment", "day"]
    list_filter = ["helpful", "day"]
    search_fields = ["comment"]
    list_select_related = ["entry"]
    ordering = ["-day", "-pk"]
    exclude = ["voter"]


@admin.register(EntryFeedback)
class EntryFeedbackAdmin(ReadOnly, admin.ModelAdmin):
    """Entries with votes, the most unhelpful first, with what readers wrote."""

    list_display = ["question", "unhelpful", "helpful", "comments"]
    list_display_links = None
    search_fields = ["question_zh_hans", "question_en"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            self.model._default_manager.annotate(
                unhelpful_votes=Count("feedback_votes", filter=Q(feedback_votes__helpful=False)),
                helpful_votes=Count("feedback_votes", filter=Q(feedback_votes__helpful=True)),
            )
            .filter(Q(unhelpful_votes__gt=0) | Q(helpful_votes__gt=0))
            .prefetch_related("feedback_votes")
        )

    def get_ordering(self, request):
        return ["-unhelpful_votes", "helpful_votes", "pk"]

    @admin.display(description=_("没有帮助"), ordering="unhelpful_votes")
    def unhelpful(self, obj):
        return obj.unhelpful_votes

    @admin.display(description=_("有帮助"), ordering="helpful_votes")
    def helpful(self, obj):
        return obj.helpful_votes

    @admin.display(description=_("意见"))
    def comments(self, obj):
        votes = [v for v in obj.feedback_votes.all() if v.comment]
        votes.sort(key=lambda v: (v.helpful, -v.pk))  # the unhelpful ones first
        url = reverse("admin:insights_feedbackvote_changelist") + f"?entry__id__exact={obj.pk}"
        items = format_html_join(
            "", "<li>{} {}</li>", (("＋" if v.helpful else "－", v.comment) for v in votes)
        )
        return format_html('<ul>{}</ul><a href="{}">{}</a>', items, url, _("全部投票"))
