from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "phrom.reviews"
    label = "reviews"
