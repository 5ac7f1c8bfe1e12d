from django.urls import path

from uploads.api import views

urlpatterns = [
    path("uploads/image", views.ImageUploadView.as_view(), name="upload-image"),
    path("uploads/files", views.FileUploadView.as_view(), name="upload-files"),
    path("uploads/<int:pk>", views.UploadFileView.as_view(), name="upload-file"),
]
