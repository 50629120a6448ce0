"""What readers ask and think, without personal data.

Searches and opened results are counted per day (a date, nothing finer) and query; a vote
is tied to an entry and to a random token kept in the voter's session, never to an
address, a user, a browser or a time of day."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from questions.models import Entry

QUERY_LENGTH = 100  # search.text.MAX_QUERY_LENGTH: the engine reads no more
COMMENT_LENGTH = 500


class SearchCount(models.Model):
    """How often a query was searched on a day, and how many entries it found."""

    day = models.DateField(_("日期"))
    query = models.CharField(_("查询"), max_length=QUERY_LENGTH)
    language = models.CharField(_("语言"), max_length=8)
    topic = models.CharField(_("主题筛选"), max_length=50, blank=True)
    searches = models.PositiveIntegerField(_("搜索次数"), default=0)
    results = models.PositiveIntegerField(_("结果数"), default=0)

    class Meta:
        verbose_name = _("读者搜索")
        verbose_name_plural = _("读者搜索")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "query", "language", "topic"], name="insights_search_per_day"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.query}"


class SearchOpen(models.Model):
    """How often a result of a query was opened on a day, at which rank."""

    day = models.DateField(_("日期"))
    query = models.CharField(_("查询"), max_length=QUERY_LENGTH)
    language = models.CharField(_("语言"), max_length=8)
    topic = models.CharField(_("主题筛选"), max_length=50, blank=True)
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="search_opens", verbose_name=_("条目")
    )
    rank = models.PositiveSmallIntegerField(_("排名"))
    opens = models.PositiveIntegerField(_("打开次数"), default=0)

    class Meta:
        verbose_name = _("打开的结果")
        verbose_name_plural = _("打开的结果")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "query", "language", "topic", "entry", "rank"],
                name="insights_open_per_day",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.query} → {self.entry_id} #{self.rank}"


class FeedbackVote(models.Model):
    """A reader's "was this helpful?" for an entry: one per session and entry."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="feedback_votes", verbose_name=_("条目")
    )
    voter = models.CharField(_("会话标记"), max_length=32, editable=False)
    helpful = models.BooleanField(_("有帮助"))
    comment = models.TextField(_("意见"), max_length=COMMENT_LENGTH, blank=True)
    day = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("读者反馈")
        verbose_name_plural = _("读者反馈")
        constraints = [
            models.UniqueConstraint(fields=["entry", "voter"], name="insights_one_vote_per_session")
        ]

    def __str__(self):
        return f"{self.entry_id} {'+' if self.helpful else '-'}"


class EntryFeedback(Entry):
    """Entries as editors review their feedback (the admin's list by unhelpful votes)."""

    class Meta:
        proxy = True
        verbose_name = _("条目反馈")
        verbose_name_plural = _("条目反馈")
