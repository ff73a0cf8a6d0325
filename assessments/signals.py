from django.dispatch import Signal

# Sent after commit whenever an attempt is graded and closed (submitted or timed out).
# Arguments: attempt_id, quiz_id, user_id.
attempt_submitted = Signal()
