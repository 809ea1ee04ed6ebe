import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arp_portal.settings")

application = get_wsgi_application()

# Import every view now (and all they import: plotly, openpyxl, the statistics), then take what
# the process has loaded out of the garbage collector's full sweeps: modules, classes and
# settings live as long as the process, but every full collection walked all 170,000 of them,
# up to 190 ms inside a request, which set the workforce page's p95 (docs/workforce.md, "Speed").
get_resolver().url_patterns  # noqa: B018 (importing the URLconf imports every view)
gc.freeze()
