from django.dispatch import Signal

# Sent after commit whenever an enrolment is created or changes status.
# Arguments: enrolment_id, previous_status (None for a new or renewed enrolment).
enrolment_changed = Signal()

# Sent after commit when a round's reminders are (re)scheduled, e.g. the round moved.
# Arguments: round_id.
round_rescheduled = Signal()

# Sent after commit when a round is saved in the admin (dates, title, seats, trainers), so
# what shows it (the anonymous page cache of cms) is refreshed at once. Arguments: round_id.
round_changed = Signal()

# The same for a programme (title, circular number). Arguments: programme_id.
programme_changed = Signal()
