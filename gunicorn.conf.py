"""gunicorn's settings for the site (read by `gunicorn kb.wsgi` from this folder).

Workers from the CPU count; the app (and the jieba dictionary, see kb/wsgi.py) is loaded
once in the master and shared by the forked workers. Override with GUNICORN_* variables
or command-line flags, e.g. `gunicorn kb.wsgi -w 2 -b 0.0.0.0:8000`.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
preload_app = True
timeout = 30
# Behind a reverse proxy: trust its X-Forwarded-* headers (set FORWARDED_ALLOW_IPS to it).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
