"""Builds Demoshire, a synthetic authority, for demonstrations and local work.

Each app that has something to show adds a `demo` module with `load_demo_data(*, log)`; this
command runs the shared model's first, then each app's in INSTALLED_APPS order, in one
transaction. A demo module may also offer `quoted_figures()`, the figures its pages show that
another app's demo text quotes; a loader that takes `figures` gets every figure collected so
far, so no app imports another's to quote it. Every loader is deterministic and idempotent:
running the command twice leaves the same data, nothing doubled.
"""

import importlib
import importlib.util
import inspect
import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from arp_portal.core.models import DEMO_IMPORT_KIND, ImportRun


class Command(BaseCommand):
    help = "Load the synthetic Demoshire authority (idempotent: safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        loaders = []
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if importlib.util.find_spec(module_name) is not None:
                loaders.append((app_config.label, importlib.import_module(module_name)))

        counts: dict[str, dict] = {}
        figures: dict[str, str] = {}
        with transaction.atomic():
            for label, module in loaders:
                self.stdout.write(f"Loading demo data: {label} ...")
                kwargs = {}
                if "figures" in inspect.signature(module.load_demo_data).parameters:
                    kwargs["figures"] = dict(figures)
                counts[label] = module.load_demo_data(log=self.stdout.write, **kwargs) or {}
                if hasattr(module, "quoted_figures"):
                    figures.update(module.quoted_figures())
            ImportRun.objects.filter(kind=DEMO_IMPORT_KIND).delete()
            ImportRun.objects.create(
                kind=DEMO_IMPORT_KIND,
                file_name="synthetic Demoshire data (load_demo_data)",
                file_sha256="synthetic",
                status=ImportRun.Status.SUCCEEDED,
                finished_at=timezone.now(),
                counts=counts,
            )
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {elapsed:.1f} s."))
