"""The mailing list: double opt-in, one-click unsubscribe, preferences, and the digest by
mail into the email outbox, with the SMTP settings built from the config and the email
channel's outbox loop (`email_list`).

May import: `storage`, `mailer`, `vestnesis.common`, `vestnesis.config`, `vestnesis.i18n`,
`vestnesis.app`, `vestnesis.delivery`, `vestnesis.digest`. Never `telegram`, `web`, the service or the CLI.
"""
