"""The entry form's preview: the answer as the public page will show it, in both languages,
before saving.

A staff-only POST (the change form's own fields and CSRF token, sent by its "预览" button
into a frame below the form) rendered by the public page's include
(``includes/entry_body.html``) from the same rendering (``Entry.render_html``) a save
stores, inside the site's own page (its CSS and scripts draw the formulas and diagrams),
under the same Content-Security-Policy, except that the admin page may frame it.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _

from kb.middleware import ContentSecurityPolicyMiddleware

from .history import LANGUAGE_SUFFIXES, TEXT_FIELDS
from .models import HTML_LANG, SOURCE_LANGUAGE, TRANSLATION_LANGUAGE, Entry

# The public page's policy; only the admin page (same origin) may show it in a frame.
PREVIEW_POLICY = ContentSecurityPolicyMiddleware.POLICY.replace(
    "frame-ancestors 'none'", "frame-ancestors 'self'"
)
LANGUAGES = ((SOURCE_LANGUAGE, _("中文")), (TRANSLATION_LANGUAGE, _("英文")))


def preview_entry(entry, data):
    """An unsaved copy of ``entry`` with the texts in ``data`` (the change form's fields),
    rendered as a save would render them."""
    preview = Entry(**{f.attname: getattr(entry, f.attname) for f in Entry._meta.concrete_fields})
    for name in TEXT_FIELDS:
        for suffix in LANGUAGE_SUFFIXES:
            field = f"{name}_{suffix}"
            if field in data:
                setattr(preview, field, data[field].replace("\r\n", "\n"))
    preview.render_html()
    return preview


def entry_body(entry, language, request=None):
    """The public page's rendering of ``entry``'s prompt, answer and example in ``language``."""
    with translation.override(language):
        return render_to_string("includes/entry_body.html", {"entry": entry}, request=request)


class EntryPreviewAdminMixin:
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="{}_{}_preview".format(*info),
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        entry = self.get_object(request, unquote(object_id))
        if entry is None:
            raise Http404(_("没有这个条目。"))
        if not self.has_change_permission(request, entry):
            raise PermissionDenied
        preview = preview_entry(entry, request.POST)
        languages = []
        for code, label in LANGUAGES:
            with translation.override(code):
                question = preview.question
                question_lang = preview.shown_lang("question")
            languages.append(
                {
                    "code": code,
                    "lang": HTML_LANG[code],
                    "label": label,
                    "question": question,
                    "question_lang": question_lang,
                    "body": entry_body(preview, code, request),
                }
            )
        response = TemplateResponse(
            request,
            "admin/questions/entry/preview.html",
            {"entry": preview, "languages": languages},
        )
        response["Content-Security-Policy"] = PREVIEW_POLICY
        response["X-Frame-Options"] = "SAMEORIGIN"
        response["Cache-Control"] = "private, no-store"
        return response
