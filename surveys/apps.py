from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self):
        from actions.measures import register_provider
        from surveys.measure_provider import survey_measure

        register_provider("survey", survey_measure, label="Workforce survey")
