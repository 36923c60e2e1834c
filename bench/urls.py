"""The service's URLs plus the minimal views the API is measured against."""

from django.urls import path

from config.urls import urlpatterns as service

from . import views

urlpatterns = [
    path("bench/minimal/commitments/", views.minimal_list),
    path("bench/minimal/commitments/<int:pk>/", views.minimal_detail),
    *service,
]
