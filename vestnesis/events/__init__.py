"""Events and members' questions: importing iCalendar sources and the public feed
(`calendar`), reading the board's /addevent answers (`form`, pure), and the answerer at the
edge that keeps the calendar and plan indexed (`asking`; the pure engine is
`vestnesis.answering`). Reminders go through both channels, so they live in
`vestnesis.service.reminders`.

May import: `storage`, `feeds`, `vestnesis.common`, `vestnesis.config`, `vestnesis.i18n`,
`vestnesis.answering`. Never a channel (`mailing`, `telegram`, `web`), the digest, the
service, the CLI, `vestnesis.app` or `vestnesis.wiring`.
Its functions take the parts they use (stores as Protocols, a clock, config sections),
never the `App`: `vestnesis.wiring` builds them.
"""
