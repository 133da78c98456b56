"""panel-tui: a ratings-panel tool for inspection standards.

The package is split so that the rules can be used and tested without a terminal UI:
``panel_tui.core`` (rules, formats, log; no Textual or Rich import), ``panel_tui.cli``
(command line), ``panel_tui.app`` and its screens (the Textual meeting app).
"""

__version__ = "0.1.0"
