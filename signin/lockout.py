"""What a locked-out sign-in sees (``AXES_LOCKOUT_CALLABLE``): the admin's sign-in page
with a note to wait, in the admin's language, answered 429 Too Many Requests."""

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.template.response import TemplateResponse


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    context = {
        **admin.site.each_context(request),
        "form": AdminAuthenticationForm(request),
        "app_path": request.get_full_path(),
        "next": request.POST.get("next", "") if request.method == "POST" else "",
        "minutes": minutes,
    }
    response = TemplateResponse(
        request, "signin/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    return response.render()
