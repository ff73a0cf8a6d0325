from django.dispatch import Signal

# Sent after commit whenever an enrolment is created or changes status.
# Arguments: enrolment_id, previous_status (None for a new or renewed enrolment).
enrolment_changed = Signal()
