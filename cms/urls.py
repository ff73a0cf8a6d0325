from django.urls import path

from . import views

app_name = "cms"

urlpatterns = [
    path("my-training/", views.MyTrainingView.as_view(), name="my_training"),
]
