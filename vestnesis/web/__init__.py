"""The members' web pages (`pages`): subscribe, confirm, unsubscribe, preferences, the
archive, the calendar feed and /healthz; `guard` caps bodies and limits the subscribe form.
Page templates are in `templates/`, the stylesheet in `static/`.

May import: `storage`, `vestnesis.common`, `vestnesis.config`, `vestnesis.i18n`,
`vestnesis.digest`, `vestnesis.events`, `vestnesis.mailing`. Never `telegram`, the service,
the CLI, `vestnesis.app` or `vestnesis.wiring`.
Its functions take the parts they use (stores as Protocols, a clock, config sections),
never the `App`: `vestnesis.wiring` builds them.
"""
