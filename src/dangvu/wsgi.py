import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
application = get_wsgi_application()
# What the worker has built by now (Django, the models, the settings) lives as long as it does:
# kept out of the garbage collector's reach, so that its full collections, which walk every
# object in the process, do not stop a request for tens of milliseconds to walk these too.
gc.freeze()
