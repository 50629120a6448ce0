"""``reverse()`` once per URL: a pattern's reversal depends only on its name and arguments,
the active language (the ``i18n_patterns`` prefix), the script prefix and the URLconf, so
listing pages, which link each entry, topic and document, reuse the first result instead of
resolving again (a topic page reversed 100 URLs a request, 3 ms of its 16)."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.translation import get_language


def reverse(viewname, args=()):
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(viewname, tuple(args), get_language(), get_script_prefix(), urlconf)


@lru_cache(maxsize=16384)
def _reversed(viewname, args, language, script_prefix, urlconf):
    return django_reverse(viewname, args=args, urlconf=urlconf)
