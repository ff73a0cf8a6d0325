from django.dispatch import Signal

# Sent after commit. Argument: certificate_id.
certificate_issued = Signal()  # a new certificate, or a re-issue's replacement
certificate_revoked = Signal()
# Sent after commit with either of the above: whatever moves the counts (reports).
certificate_changed = Signal()
