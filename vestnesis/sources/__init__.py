"""Where news comes from: one poll pass over the feed sources (`polling`) and the configured
translation backend behind its cache (`translation`).

May import: `storage`, `feeds`, `vestnesis.common`, `vestnesis.config`. Never a channel, the
digest, the service or the CLI.
"""
