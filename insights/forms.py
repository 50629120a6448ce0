from django import forms
from django.utils.translation import gettext_lazy as _

from .models import COMMENT_LENGTH


class FeedbackForm(forms.Form):
    helpful = forms.ChoiceField(
        label=_("这个回答有帮助吗？"),
        choices=[("yes", _("有帮助")), ("no", _("没有帮助"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("意见（可选）"),
        required=False,
        max_length=COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("最多 500 个字符。请不要留下姓名、电话或邮箱。"),
    )
