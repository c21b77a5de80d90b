"""The mailing list: double opt-in, one-click unsubscribe, preferences, and the digest by
mail into the email outbox, with the SMTP settings built from the config (`email_list`).

May import: `storage`, `mailer`, `vestnesis.common`, `vestnesis.config`, `vestnesis.i18n`,
`vestnesis.delivery`, `vestnesis.digest`. Never `telegram`, `web`, the service, the CLI,
`vestnesis.app` or `vestnesis.wiring` (which builds the email channel's outbox loop).
Its functions take the parts they use (stores as Protocols, a clock, config sections),
never the `App`: `vestnesis.wiring` builds them.
"""
