"""Vietnamese NLP that turns one article into one emulation-event record."""
