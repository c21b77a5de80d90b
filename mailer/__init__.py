"""Email: templates and rendering (and, later, MIME building, SMTP delivery, tokens)."""
