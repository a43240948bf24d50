from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from codesign.core.cache import FEEDBACK, watch
        from feedback.models import Answer, FeedbackForm, FeedbackReceipt, Question, Response
        from programmes.models import Programme
        from workshops.models import Registration, Workshop

        # The programme's feedback report is cached (views.programme_report) until anything it
        # counts changes. Answers come in bulk with their response, which is saved each time.
        watch(
            FEEDBACK,
            Response,
            Answer,
            FeedbackReceipt,
            FeedbackForm,
            Question,
            Registration,
            Workshop,
            Programme,
        )
