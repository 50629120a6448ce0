from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def open_result_url(outcome, result, index):
    """The link of the search result at ``index`` (0-based on its page): through
    /search/open/, which counts the open at its rank and redirects to the entry."""
    params = {"q": outcome.text, "entry": result["entry"].pk}
    if outcome.topic:
        params["topic"] = outcome.topic.slug
    params["rank"] = outcome.page.start_index() + index
    return f"{reverse('insights:open')}?{urlencode(params)}"
