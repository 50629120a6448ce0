"""No lost edits: the entry form carries the revision it was opened at (``Entry.revision``).

A save whose revision is not the entry's any more is refused, and the form comes back with
nothing discarded: the editor's typed values stay in it, a field only the other editor
changed takes the other editor's saved value (so saving again keeps both), and every field
the other editor changed is shown beside what this editor typed. The form then carries the
current revision, so the merged form saves.

The check in the form is for the message; the guarantee is ``Entry.claim()`` in the save's
transaction (a conditional UPDATE), so an edit committed between the check and the write
is caught there too (``StaleEntry``) and the form is checked again.
"""

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .history import versions_of
from .history_diff import TextDiff, side_by_side


class StaleEntry(Exception):
    """The entry was saved by someone else after this form was checked."""


def _text(value):
    return (value or "").replace("\r\n", "\n").strip()


@dataclass
class FieldConflict:
    name: str
    label: object
    theirs_diff: TextDiff  # the opened version → the other editor's saved value
    yours: str  # what this editor typed ("" for a field they did not change)
    both_changed: bool
    merged: bool = False  # the form holds both editors' changes (the phrasings)


PHRASINGS = "phrasings"  # the prefix of the entry form's inline phrasings
MAX_ROWS = 1000  # Django's formset limit


def typed_phrasings(data):
    """[(language, text)] of the phrasing rows a posted entry form keeps."""
    try:
        total = min(int(data.get(f"{PHRASINGS}-TOTAL_FORMS") or 0), MAX_ROWS)
    except ValueError:
        return []
    rows = []
    for i in range(total):
        prefix = f"{PHRASINGS}-{i}-"
        text = (data.get(prefix + "text") or "").strip()
        if text and not data.get(prefix + "DELETE"):
            rows.append((data.get(prefix + "language") or "", text))
    return rows


def merge_phrasings(base, saved, typed):
    """Three-way merge of phrasing sets: what the other editor saved, less what this
    editor removed, plus what this editor added. Nothing either of them did is lost."""
    removed = set(base) - set(typed)
    added = [row for row in typed if row not in set(base)]
    merged = [row for row in saved if row not in removed]
    return merged + [row for row in added if row not in set(merged)]


def phrasing_data(data, entry, merged):
    """``data`` with its phrasing rows replaced by ``merged``: each saved phrasing kept (or
    marked deleted) under its own id, then the new ones, so that saving writes the merge."""
    data = data.copy()
    for key in [k for k in data if k.startswith(f"{PHRASINGS}-")]:
        del data[key]
    existing = list(entry.phrasings.order_by("language", "position", "pk"))
    kept = set(merged)
    rows = [
        (p.pk, p.language, p.text, p.position, (p.language, p.text) not in kept) for p in existing
    ]
    have = {(p.language, p.text) for p in existing}
    rows += [
        ("", language, text, 0, False) for language, text in merged if (language, text) not in have
    ]
    for i, (pk, language, text, position, delete) in enumerate(rows):
        prefix = f"{PHRASINGS}-{i}-"
        data.update({prefix + "id": str(pk), prefix + "entry": str(entry.pk),
                     prefix + "language": language, prefix + "text": text,
                     prefix + "position": str(position)})  # fmt: skip
        if delete:
            data[prefix + "DELETE"] = "on"
    data[f"{PHRASINGS}-TOTAL_FORMS"] = str(len(rows))
    data[f"{PHRASINGS}-INITIAL_FORMS"] = str(len(existing))
    data[f"{PHRASINGS}-MIN_NUM_FORMS"] = "0"
    data[f"{PHRASINGS}-MAX_NUM_FORMS"] = str(MAX_ROWS)
    return data


@dataclass
class EditConflict:
    editors: list  # [(who, when)] of the saves since the form was opened
    fields: list = field(default_factory=list)


class ConcurrencyFormMixin(forms.Form):
    """For the entry ModelForm: the hidden revision and the three-way check on save."""

    opened_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    # The form fields compared with the other editor's save, by kind.
    TEXT_FIELDS = tuple(
        f"{name}_{suffix}"
        for name in ("question", "prompt", "answer", "example")
        for suffix in ("zh_hans", "en")
    )
    FLAG_FIELDS = ("is_published", "topics_locked", "duplicate_locked")
    FOREIGN_KEYS = ("primary_topic", "duplicate_of")  # compared by the id they hold

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if not self.is_bound and self.instance.pk:
            self.initial["opened_revision"] = self.instance.revision

    # Values as comparable Python, from a version (the opened one), the saved entry, the form.
    def _base(self, version, name):
        if name == "topics":
            from .history import topic_ids

            return topic_ids(version) if version else None
        value = getattr(version, f"{name}_id" if name in self.FOREIGN_KEYS else name)
        return _text(value) if name in self.TEXT_FIELDS else value

    def _saved(self, name):
        entry = self.instance
        if name == "topics":
            return sorted(entry.topics.values_list("pk", flat=True))
        if name in self.FOREIGN_KEYS:
            return getattr(entry, f"{name}_id")
        value = getattr(entry, name)
        return _text(value) if name in self.TEXT_FIELDS else value

    def _typed(self, name):
        if name == "topics":
            return sorted(int(v) for v in self.data.getlist("topics") if str(v).isdigit())
        if name in self.FOREIGN_KEYS:
            value = self.data.get(name) or ""
            return int(value) if value.isdigit() else None
        if name in self.FLAG_FIELDS:
            return self.fields[name].to_python(self.data.get(name))
        return _text(self.data.get(name))

    def _put(self, data, name, value):
        """Write the saved ``value`` of field ``name`` into the form's data."""
        if name == "topics":
            data.setlist("topics", [str(pk) for pk in value])
        elif name in self.FOREIGN_KEYS:
            data[name] = "" if value is None else str(value)
        elif name in self.FLAG_FIELDS:
            if value:
                data[name] = "on"
            else:
                data.pop(name, None)
        else:
            data[name] = getattr(self.instance, name) or ""

    def _display(self, name, value):
        if name == "topics":
            from .models import Topic

            return "\n".join(str(t) for t in Topic.objects.filter(pk__in=value or []))
        if name in self.FOREIGN_KEYS:
            from .models import Entry, Topic

            model = Topic if name == "primary_topic" else Entry
            target = model.objects.filter(pk=value).first() if value else None
            return str(target) if target else ""
        if name in self.FLAG_FIELDS:
            return _("是") if value else _("否")
        return value or ""

    def _merge_phrasings(self, data, base, conflict):
        """The phrasings, as one field: taken from the other editor if only they changed
        them, merged (``merge_phrasings``) if both did."""

        def lines(rows):
            return "\n".join(text for _, text in rows)

        entry = self.instance
        saved = list(entry.phrasings.order_by("language", "position", "pk")
                     .values_list("language", "text"))  # fmt: skip
        typed = typed_phrasings(data)
        start = [tuple(row) for row in base.phrasing_list] if base is not None else typed
        if sorted(saved) == sorted(start):
            return data
        mine_changed = sorted(typed) != sorted(start)
        merged = merge_phrasings(start, saved, typed) if mine_changed else saved
        conflict.fields.append(
            FieldConflict(
                PHRASINGS,
                _("其他问法"),
                TextDiff("", "", side_by_side(lines(start), lines(saved))),
                lines(typed) if mine_changed else "",
                mine_changed,
                merged=mine_changed,
            )
        )
        return phrasing_data(data, entry, merged)

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get("opened_revision")
        entry = self.instance
        if entry.pk is None or opened is None or opened == entry.revision:
            return cleaned
        if opened > entry.revision:
            raise ValidationError(_("表单中的修订号无效，请重新打开这个条目。"))
        base = (
            entry.history.filter(revision__lte=opened).order_by("-revision", "-history_id").first()
        )
        later = versions_of(entry.pk).filter(revision__gt=opened).order_by("history_date")
        from .admin_history import who

        conflict = EditConflict([(who(v), v.history_date) for v in later])
        data = self.data.copy()
        names = [*self.TEXT_FIELDS, *self.FLAG_FIELDS, "topics", *self.FOREIGN_KEYS]
        for name in (n for n in names if n in self.fields):
            saved, typed = self._saved(name), self._typed(name)
            start = self._base(base, name) if base is not None else typed
            if saved == start:
                continue  # the other editor left this field as it was
            mine_changed = typed != start
            if not mine_changed:
                self._put(data, name, saved)  # only they changed it: take their value
            label = self.fields[name].label
            diff = TextDiff(
                "", "", side_by_side(self._display(name, start), self._display(name, saved))
            )
            conflict.fields.append(
                FieldConflict(
                    name,
                    label,
                    diff,
                    self._display(name, typed) if mine_changed else "",
                    mine_changed and typed != saved,
                )
            )
        if f"{PHRASINGS}-TOTAL_FORMS" in data:
            data = self._merge_phrasings(data, base, conflict)
        data["opened_revision"] = str(entry.revision)
        self.data = data  # re-displayed with the merge and the current revision
        self.conflict = conflict
        raise ValidationError(
            _(
                "没有保存：你打开这个条目之后，别人保存了修改。你输入的内容都还在表单里；"
                "只有对方改过的字段已换成对方保存的内容。请对照下面列出的修改，合并后再保存。"
            ),
            code="stale",
        )
