"""The digest: compose it from stored items (pure, `compose`, into the records of `model`),
translate it for a reader (`localise`), put it in the reader's words (`wording`, into the
`views` the renderers lay out), decide and prepare the weekly send (`weekly`: the send time,
the board's draft review, the send decision), and one send's digest composed once for every
channel (`edition`).

May import: `storage`, `feeds` helpers, `vestnesis.common`, `vestnesis.config`, `vestnesis.i18n`,
`vestnesis.answering` (for event dates), `vestnesis.events`. Never the channels (`mailing`,
`telegram`, `web`), the service, the CLI, `vestnesis.app` or `vestnesis.wiring`.
Its functions take the parts they use (stores as Protocols, a clock, config sections),
never the `App`: `vestnesis.wiring` builds them.
"""
