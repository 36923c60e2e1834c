"""The service's URLs plus the minimal views the API and the admin are measured against."""

from django.urls import path

from config.urls import urlpatterns as service

from . import views

urlpatterns = [
    path("bench/minimal/commitments/", views.minimal_list),
    path("bench/minimal/commitments/<int:pk>/", views.minimal_detail),
    path("bench/admin-frame/", views.admin_frame),
    *service,
]
