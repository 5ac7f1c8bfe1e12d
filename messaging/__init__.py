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
- Voice notes (messaging/audio.py). A recording is spooled to a temporary file by the
  uploads app's size-limited handler, typed from its first bytes (WebM, Ogg, M4A, WAV, MP3)
  and stored as a private Upload of its customer. Players send no token, so the lists give a
  signed link (12 hours) that streams it with ranges; the legacy's /static/ path was public.
- WhatsApp (messaging/whatsapp.py). The provider's callback (/whatsapp/webhook, and the
  legacy's /whatsapp/callback) is refused without Route Mobile's shared token or Twilio's
  signature (messaging/webhooks.py). A message is stored once per provider id and answered
  by the chatbot (messaging/chatbot.py: quick-reply buttons, keywords by priority, greeting,
  help, default; its words one ChatbotConfig row instead of a worker's memory). Every answer
  and staff reply is an outbox row (outbound.py), sent by the worker, retried, once per
  event. Staff write freely only within 24 hours of the customer's last WhatsApp message
  (409 outside). The website's chat window (/whatsapp/send-session) no longer sends an
  anonymous visitor's text from our account to any number: it is kept for staff and
  answered in the window, and /whatsapp/messages shows the browser that wrote from a number
  (a signed cookie) its own window messages since its first one: never the number's WhatsApp
  messages, which anyone typing the number would otherwise read. A customer who sends STOP
  is opted out of WhatsApp.
"""
