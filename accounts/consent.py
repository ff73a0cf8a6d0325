"""The privacy notice (PDPA) and what a person may consent to.

The notice's text is ``templates/accounts/_privacy_notice.html``. Change
``PRIVACY_NOTICE_VERSION`` whenever its content changes: every consent records the version
it was given under, so DLA can show what each person agreed to.
"""

from django.utils.translation import gettext_lazy as _

from .models import ConsentPurpose

PRIVACY_NOTICE_VERSION = "2569-1"

# Needed to take part; the optional ones are separate boxes, never ticked in advance.
REQUIRED_PURPOSES = (ConsentPurpose.TRAINING,)
OPTIONAL_PURPOSES = (ConsentPurpose.NEWS, ConsentPurpose.SURVEY, ConsentPurpose.LINE)

# What the person ticks: one sentence each, shown next to the box.
CONSENT_STATEMENTS = {
    ConsentPurpose.TRAINING: _(
        "I have read the privacy notice and consent to the processing of my personal data "
        "for the training, attendance records, certificates and statistics for DLA and DCCE."
    ),
    ConsentPurpose.NEWS: _("Send me news e-mails about later training and events (optional)."),
    ConsentPurpose.SURVEY: _(
        "You may contact me for follow-up surveys about the training (optional)."
    ),
    # The link itself is made afterwards (LINE Login or a code sent to the official account).
    ConsentPurpose.LINE: _(
        "Send my training notices (confirmations, reminders, the Join link, certificates) to "
        "my LINE account; the platform keeps my LINE user ID and display name (optional)."
    ),
}
