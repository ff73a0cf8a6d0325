from django.dispatch import Signal

# Sent after commit whenever a certificate is issued, revoked or replaced.
# Arguments: certificate_id.
certificate_changed = Signal()
