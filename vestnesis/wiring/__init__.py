"""The composition root's second half: each use case's parts, built from the `App`.

The use cases (`digest/`, `mailing/`, `events/`, `telegram/`, `web/`, the service's courier
and reminders) never see the `App`: they take the stores they use (as Protocols beside
them), a clock, their config sections, a translator, a presenter. The command line
(`vestnesis.cli`) and the service (`vestnesis.service.run`) build those parts here and hand
them down.

`calendars` builds the calendar's parts and opens the app for the commands that read (light:
`vestnesis ask` loads only it); `parts` builds the rest (it loads the mail, bot and web
libraries). Nothing but the command line, `vestnesis.service.run` and the tests imports this
package (a contract in `.importlinter`).
"""
