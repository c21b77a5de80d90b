"""The Telegram bot inside the service (`runtime`): the services the bot asks for
(answers, subscriptions, announcements, events), its runtime, and its outbox drain.

May import: `storage`, `bot`, `mailer` (for announcements by mail), `feeds` helpers,
`vestnesis.common`, `vestnesis.config`, `vestnesis.i18n`, `vestnesis.app`, `vestnesis.answering`,
`vestnesis.digest`, `vestnesis.events`, `vestnesis.mailing`. Never `web`, the service or the CLI.
"""
