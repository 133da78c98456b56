"""Rules, file formats and the decision log. No Textual, no Rich: scripts and tests use it headless."""
