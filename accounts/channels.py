"""Which channel a participant's notices go by: e-mail unless another channel takes them.

An app that delivers notices another way (``line``: LINE only) registers a Wagtail hook in
its ``wagtail_hooks.py``:

    @hooks.register(EMAIL_REPLACED_HOOK)
    def line_instead(user) -> bool:     # True: this app sends the person's notices instead
        ...

Apps that e-mail notices (``courses``) ask ``email_wanted`` first. The replacing app then
sends the notice itself, and e-mails it (asking the sender with ``fallback=True``) when it
cannot deliver: quota spent, refused, the person blocked the account.
"""

from wagtail import hooks

EMAIL_REPLACED_HOOK = "register_email_replaced"


def email_wanted(user) -> bool:
    return not any(hook(user) for hook in hooks.get_hooks(EMAIL_REPLACED_HOOK))
