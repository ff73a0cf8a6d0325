from django.dispatch import Signal

# Sent after commit whenever reconciliation has (re)written a session's attendance records.
# Arguments: session_id.
attendance_reconciled = Signal()
