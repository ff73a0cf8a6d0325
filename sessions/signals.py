from django.dispatch import Signal

# Sent after commit whenever reconciliation has (re)written a session's attendance records.
# Arguments: session_id.
attendance_reconciled = Signal()

# Sent after commit when a trainer starts a live session and BigBlueButton has created a new
# meeting for it: the room is open for participants. Arguments: live_session_id, round_id.
room_opened = Signal()
