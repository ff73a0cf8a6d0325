from django.dispatch import Signal

# Sent after commit. Argument: certificate_id.
certificate_issued = Signal()
certificate_revoked = Signal()
