"""Where certificate PDFs are kept: a private folder, never under MEDIA_URL.

Certificates carry personal data, so the files have no public URL; they are served only
through the access-checked download view. The folder is ``settings.CERTIFICATE_PDF_ROOT``,
read on every use so tests can point it elsewhere.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class CertificateStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.CERTIFICATE_PDF_ROOT)

    @property
    def location(self):
        return str(settings.CERTIFICATE_PDF_ROOT)

    def url(self, name):
        raise ValueError("Certificate PDFs have no public URL; use the download view.")


certificate_storage = CertificateStorage()
