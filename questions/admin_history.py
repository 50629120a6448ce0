"""The entry admin's history: the list of versions, a diff of any two, revert to any one.

Staff only (the admin site's login) and with the entry change permission; revert is a POST
with Django's CSRF token. A version id that is not a version of this entry, or a malformed
choice, gives a clear message and changes nothing.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from .history import IMPORT, REVERT_PREFIX, revert, versions_of
from .history_diff import changed_fields, compare


def who(version):
    if version.history_user is not None:
        return version.history_user.get_username()
    if version.history_change_reason == IMPORT:
        return _("导入")
    return _("系统")


def what(version):
    reason = version.history_change_reason or ""
    if reason.startswith(REVERT_PREFIX):
        return _("恢复到版本 %(version)s") % {"version": reason.removeprefix(REVERT_PREFIX)}
    if reason == "initial":
        return _("开始记录历史时的内容")
    if version.history_type == "+":
        return _("创建")
    if version.history_type == "-":
        return _("删除")
    return _("修改")


MAX_VERSION_ID = 2**31 - 1  # the largest id a history row can have (an AutoField)


def _version_id(value):
    """A version number from the URL, or None for one no version can have."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_VERSION_ID else None


class EntryHistoryAdminMixin:
    """history_view replaced by the versions list; compare and revert views added."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            path(
                "<path:object_id>/history/<str:version_id>/revert/",
                view(self.revert_view),
                name="{}_{}_revert".format(*info),
            ),
            *super().get_urls(),
        ]

    def _entry_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("没有这个条目。"))
        return obj

    def _history_url(self, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[obj.pk])

    def _context(self, request, obj, **kwargs):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "original": obj,
            "object": obj,
            "media": self.media,
            "history_url": self._history_url(obj),
            "change_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
            ),
            **kwargs,
        }

    def history_view(self, request, object_id, extra_context=None):
        obj = self._entry_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = list(versions_of(obj.pk))
        rows = []
        for index, version in enumerate(versions):
            previous = versions[index + 1] if index + 1 < len(versions) else None
            rows.append(
                {
                    "version": version,
                    "who": who(version),
                    "what": what(version),
                    "changed": changed_fields(previous, version),
                    "previous": previous,
                }
            )
        context = self._context(
            request,
            obj,
            title=_("“%(entry)s”的修改历史") % {"entry": obj},
            rows=rows,
            can_revert=self.has_change_permission(request, obj),
        )
        return TemplateResponse(request, "admin/questions/entry/history.html", context)

    def compare_view(self, request, object_id):
        obj = self._entry_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        ids = [_version_id(request.GET.get(name)) for name in ("old", "new")]
        found = {v.history_id: v for v in versions_of(obj.pk).filter(history_id__in=ids)}
        if None in ids or any(i not in found for i in ids):
            messages.error(request, _("请选择这个条目的两个版本来比较。"))
            return HttpResponseRedirect(self._history_url(obj))
        old, new = (found[i] for i in ids)
        context = self._context(
            request,
            obj,
            title=_("比较“%(entry)s”的两个版本") % {"entry": obj},
            old=old,
            new=new,
            old_who=who(old),
            new_who=who(new),
            diffs=compare(old, new),
            can_revert=self.has_change_permission(request, obj),
        )
        return TemplateResponse(request, "admin/questions/entry/compare.html", context)

    def revert_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._entry_or_404(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        number = _version_id(version_id)
        version = versions_of(obj.pk).filter(history_id=number).first() if number else None
        if version is None:
            messages.error(
                request,
                _("这个条目没有编号为 %(version)s 的版本，没有做任何修改。")
                % {"version": version_id},
            )
            return HttpResponseRedirect(self._history_url(obj))
        new = revert(obj, version, request.user)
        self.log_change(request, obj, _("恢复到版本 %(version)s") % {"version": version.history_id})
        messages.success(
            request,
            _("已恢复到版本 %(version)s（记为新版本 %(new)s）。")
            % {"version": version.history_id, "new": new.history_id},
        )
        return HttpResponseRedirect(self._history_url(obj))
