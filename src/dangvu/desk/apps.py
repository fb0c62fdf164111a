from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The officer's desk: the home page that says what to do, and the notices."""

    name = "dangvu.desk"
    label = "desk"
