from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "dangvu.rules"
    label = "rules"
