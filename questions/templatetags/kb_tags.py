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


# Query parameters that say what just happened ("?feedback=thanks"), not which page this
# is: the canonical URL and the other language's link leave them out.
TRANSIENT_PARAMETERS = ("feedback",)


def _lasting_path(request):
    """The full path without transient parameters, read off the raw query string (not
    request.GET, which refuses over DATA_UPLOAD_MAX_NUMBER_FIELDS fields)."""
    full_path = request.get_full_path()
    path, _, query = full_path.partition("?")
    pieces = query.split("&") if query else []
    kept = [p for p in pieces if p.partition("=")[0] not in TRANSIENT_PARAMETERS]
    if len(kept) == len(pieces):
        return full_path
    return path + (f"?{'&'.join(kept)}" if kept else "")


def path_in_language(request, code):
    """The current page's path (with query string) in language ``code``."""
    full_path = _lasting_path(request)
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
    query = _lasting_path(request).partition("?")[2]
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
    """A visitor's search text, escaped and marked as user input (not interface text),
    isolated from the sentence around it (dir="auto": Arabic or Hebrew typed into a Chinese
    sentence never reorders it)."""
    return format_html('<q class="user-query" dir="auto">{}</q>', text)


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
