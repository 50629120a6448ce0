import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
application = get_wsgi_application()

from search.text import warm_up  # noqa: E402 - needs the app registry set up above

warm_up()

# Move what the master loaded out of the collector's sight, so workers forked from it do
# not copy those pages just by running a collection (gunicorn --preload).
gc.freeze()
