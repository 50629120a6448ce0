"""The reader-facing endpoints: a search result opened, and a vote on an entry."""

from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from questions.models import Entry, Topic

from . import feedback
from .forms import FeedbackForm
from .searches import count_open, normalise_query

MAX_RANK = 1000  # far beyond the engine's 200 candidates


def _number(value, largest):
    """A whole number 1…largest written plainly in ASCII digits, else None."""
    if not value or len(value) > len(str(largest)) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 1 <= number <= largest else None


def _plain(message):
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


@require_GET
@never_cache
def open_result(request):
    """GET /search/open/?q=…&topic=…&entry=<id>&rank=<n>: count, then go to the entry.

    The target is always the entry's own URL on this site, so it cannot redirect elsewhere."""
    entry_id = _number(request.GET.get("entry", ""), 2**31 - 1)
    if entry_id is None:
        raise Http404(_("没有这个条目。"))
    entry = get_object_or_404(Entry.objects.published(), pk=entry_id)
    rank = _number(request.GET.get("rank", ""), MAX_RANK)
    if rank is None:
        return _plain(_("排名无效：应为 1 到 %(max)s 之间的整数。") % {"max": MAX_RANK})
    query = normalise_query(request.GET.get("q", ""))
    if not query:
        return _plain(_("缺少查询。"))
    topic = request.GET.get("topic", "")
    if topic and not Topic.objects.filter(slug=topic[:50]).exists():
        return _plain(_("未知的主题。"))
    count_open(query, get_language(), topic, entry, rank)
    return HttpResponseRedirect(entry.get_absolute_url())


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def feedback_form(request, pk):
    """GET /entries/<pk>/feedback/?helpful=yes|no: the vote's form (starts the session);
    POST: record the vote and go back to the entry, which thanks the reader."""
    entry = get_object_or_404(Entry.objects.listed(), pk=pk)
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        voter = feedback.voter_for(request.session)
        if voter is None:  # no session: the form was not opened from this browser
            return _render(request, entry, form, _("请先打开反馈表单再提交。"), status=400)
        if not form.is_valid():
            return _render(request, entry, form, status=400)
        if not feedback.within_rate(voter):
            return _render(request, entry, form, _("提交太频繁了，请稍后再试。"), status=429)
        feedback.vote(
            entry, voter, form.cleaned_data["helpful"] == "yes", form.cleaned_data["comment"]
        )
        return HttpResponseRedirect(f"{entry.get_absolute_url()}?feedback=thanks#feedback")
    voter = feedback.voter_for(request.session, create=True)
    previous = feedback.previous_vote(entry, voter)
    helpful = request.GET.get("helpful")
    if helpful in ("yes", "no"):
        initial = {"helpful": helpful, "comment": previous.comment if previous else ""}
    elif previous:
        initial = {"helpful": "yes" if previous.helpful else "no", "comment": previous.comment}
    else:
        initial = {}
    return _render(request, entry, FeedbackForm(initial=initial), previous=previous)


def _render(request, entry, form, error="", status=200, previous=None):
    context = {"entry": entry, "form": form, "error": error, "previous": previous}
    return TemplateResponse(request, "insights/feedback.html", context, status=status)
