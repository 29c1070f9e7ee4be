"""Every write of the messaging domain.

Import direction: messaging depends on families, territory and documents (the upload
validator and private storage) only. Other domains (planning, billing, documents) call
`notify` / `notify_many`; messaging never imports them. Group audiences that need planning
data (a service's families, the families booked on a day) are resolved by the caller and
passed in as famille ids.
"""

from marelle.messaging.services.conversations import (
    MessagingError,
    agent_mark_read,
    agent_reply,
    broadcast_send,
    family_reply,
    family_write,
    message_mark_handled,
    message_mark_read,
)
from marelle.messaging.services.notify import Notice, notify, notify_many, notify_many_later, preference_set
from marelle.messaging.services.outbox import deliver, outbox_retry, sweep

__all__ = [
    "MessagingError",
    "Notice",
    "agent_mark_read",
    "agent_reply",
    "broadcast_send",
    "deliver",
    "family_reply",
    "family_write",
    "message_mark_handled",
    "message_mark_read",
    "notify",
    "notify_many",
    "notify_many_later",
    "outbox_retry",
    "preference_set",
    "sweep",
]
