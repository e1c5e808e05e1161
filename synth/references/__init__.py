"""References: reading BibTeX, turning LaTeX into text, and the author-year style."""
