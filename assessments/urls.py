from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("tests/<int:pk>/", views.QuizView.as_view(), name="quiz"),
    path("tests/<int:pk>/start/", views.StartView.as_view(), name="start"),
    path("tests/attempts/<int:pk>/", views.AttemptView.as_view(), name="attempt"),
    path("tests/attempts/<int:pk>/answer/", views.AnswerView.as_view(), name="answer"),
    path("tests/attempts/<int:pk>/result/", views.ResultView.as_view(), name="result"),
]
