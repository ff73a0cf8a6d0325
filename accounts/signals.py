from django.dispatch import Signal

# Sent after commit when a service changed an account without saving the model (e.g. its
# role, written with an UPDATE); a saved User sends post_save as usual.
# Arguments: user_id.
account_changed = Signal()
