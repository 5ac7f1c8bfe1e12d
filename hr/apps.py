from django.apps import AppConfig


class HrConfig(AppConfig):
    name = "hr"
    verbose_name = "HR: staff, attendance, leave and payroll"
