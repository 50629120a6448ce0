"""Template helpers for the page chrome: language alternates of the current page."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language, gettext, ngettext

register = template.Library()

HTML_LANG = {"zh-hans": "zh-Hans", "en": "en"}


def _prefix(code):
    return "" if code == settings.LANGUAGE_CODE else f"/{code}"


def path_in_language(request, code):
    """The current page's path (with query string) in language ``code``."""
    full_path = request.get_full_path()
    translated = translate_url(full_path, code)
    if translated != full_path or code == get_language():
        return translated
    # Not resolvable (a 404 page): swap the language prefix by hand.
    path = request.path
    for other, _name in settings.LANGUAGES:
        prefix = _prefix(other)
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix) :] or "/"
            break
    query = request.META.get("QUERY_STRING", "")
    return _prefix(code) + path + (f"?{query}" if query else "")


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """[(code, html_lang, name, path, absolute url, is_current)] for every site language."""
    request = context.get("request")
    if request is None:
        return []
    current = get_language()
    alternates = []
    for code, name in settings.LANGUAGES:
        path = path_in_language(request, code)
        alternates.append(
            {
                "code": code,
                "lang": HTML_LANG.get(code, code),
                "name": name,
                "path": path,
                "url": request.build_absolute_uri(path),
                "current": code == current,
            }
        )
    return alternates


@register.simple_tag
def html_lang():
    """The BCP 47 tag of the active language for ``<html lang>``: zh-Hans or en."""
    return HTML_LANG.get(get_language() or settings.LANGUAGE_CODE, "zh-Hans")


@register.filter
def user_query(text):
    """A visitor's search text, escaped and marked as user input (not interface text)."""
    return format_html('<q class="user-query">{}</q>', text)


@register.filter
def lang_of(obj, field):
    """The BCP 47 tag of the language ``obj.<field>`` shows in on this page (zh-Hans or en)."""
    if field == "title" and hasattr(obj, "title_lang"):
        return obj.title_lang
    return obj.shown_lang(field)


@register.filter
def anchor_label(entry):
    """The accessible name of a section's "#" link on its document's page. A filter, not a
    blocktranslate: the page has one per section (120 in the largest seed)."""
    return gettext("链接到第 %(section)s 节") % {"section": entry.section or entry.pk}


@register.filter
def entry_count(counter):
    """ "12 个条目" / "12 entries": the count of a topic, document or glossary term. A filter,
    not a blocktranslate (the same message): the glossary has one per term, over 300."""
    return ngettext("%(counter)s 个条目", "%(counter)s 个条目", counter) % {"counter": counter}
