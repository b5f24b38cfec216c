from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "imhhv.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        # Every installed app's `jobs.py` registers its jobs with `@job(...)`: importing
        # them here means a worker (and `enqueue`) knows every job name with no list to keep.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
