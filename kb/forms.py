"""Form behaviour shared by the project's admin forms."""

from django import forms


class LineEndingsForm(forms.ModelForm):
    """A model form that reads every submitted line break as "\\n", as the seeds and the
    import write them. A browser sends a textarea's as "\\r\\n": taken as sent, saving an
    imported entry would change every multi-line text it did not touch (a history version
    listing them, their English marked current although only the Chinese was edited)."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and any("\r" in v for vs in data.lists() for v in vs[1]):
            data = data.copy()
            for name, values in data.lists():
                data.setlist(name, [v.replace("\r\n", "\n").replace("\r", "\n") for v in values])
        super().__init__(data, *args, **kwargs)
