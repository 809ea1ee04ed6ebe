from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self):
        from arp_portal.core.measures import register_provider
        from surveys.measure_provider import survey_measure

        register_provider("survey", survey_measure, label="Workforce survey")

        from django.db.models.signals import post_delete, post_save

        from surveys.models import Survey
        from surveys.selectors import intake_survey_cache

        def forget_intake_surveys(**kwargs):
            intake_survey_cache.clear()

        post_save.connect(forget_intake_surveys, sender=Survey, weak=False)
        post_delete.connect(forget_intake_surveys, sender=Survey, weak=False)

        from arp_portal.core import housekeeping
        from surveys import services
        from surveys.intake_session import clear_expired_intake_sessions

        housekeeping.register("expired survey sessions", clear_expired_intake_sessions)
        housekeeping.register(
            "held survey submissions written", services.held_submissions_write_due
        )

        from django.db.models import F

        from arp_portal.core.models import Ethnicity

        def relabelled(**kwargs):
            # Every survey's results name the groups by their labels: cached copies are stale.
            Survey.objects.update(results_version=F("results_version") + 1)
            from surveys import services

            for survey_id in Survey.objects.values_list("pk", flat=True):
                services.release_prepare_enqueue(survey_id)

        post_save.connect(relabelled, sender=Ethnicity, weak=False)
