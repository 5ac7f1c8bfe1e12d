"""Messaging: customers and staff talking, and what the venue tells its customers.

How it is built (the decisions behind it):

- Threads. The legacy's `client_messages` rows were grouped by a `thread_id` string and went
  from a customer to "the first admin"; staff saw only threads they were part of. Here a
  thread belongs to its customer and is shared by all staff (one inbox); the legacy's thread
  ids are kept as `MessageThread.key`. A side's messages are read when the other side opens
  the thread. Lists are bounded (selectors.THREADS_MAX, THREAD_MESSAGES_MAX: the newest).
- Notifications. notify.Notification is the one store (the bell counts it); what the
  notifications screen reads beside it (type, link, priority, read_at) is NotificationDetail,
  one row per notification, until those columns are merged into notify's model. Events of
  the apps below (BookingEvent approved/rejected, PaymentEvent success, Refund completed) are
  heard through post_save signals (signals.py), inside the writer's transaction; each event
  has a unique key, so a notification is written once per event.
"""
