"""The Telegram bot inside the service: `services` implements what the bot asks for (answers,
subscriptions, the board's announcements and events, chats joining and leaving); `outbox`
queues announcements, the weekly digest and news for each chat; `runtime` runs the bot
(long polling or the webhook, the Telegram channel's outbox sender) and builds it from the config.

May import: `storage`, `bot`, `mailer` (announcements by mail), `feeds` helpers,
`vestnesis.common`, `vestnesis.config`, `vestnesis.i18n`, `vestnesis.answering`,
`vestnesis.delivery`, `vestnesis.digest`, `vestnesis.events`, `vestnesis.mailing`. Never
`web`, the service, the CLI, `vestnesis.app` or `vestnesis.wiring`.
Its functions take the parts they use (stores as Protocols, a clock, config sections),
never the `App`: `vestnesis.wiring` builds them.
"""
