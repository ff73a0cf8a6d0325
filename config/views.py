from django.http import HttpResponse


def health(request):
    """Liveness probe, and the trivial view the benchmarks in bench/ compare against."""
    return HttpResponse("ok", content_type="text/plain")
