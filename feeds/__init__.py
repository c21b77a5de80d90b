"""Getting sources in: fetching, parsing, cleaning, identifying and detecting languages."""
