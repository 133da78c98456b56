"""`panel-tui serve`: the meeting app in members' browsers, one secret link per person (issue 27).

access.py holds the links and the URL checks (no web import), apps.py the app process per
connection, server.py the routes and their checks, cli.py the command. textual-serve is an optional
extra (``pip install 'panel-tui[serve]'``): nothing here is imported unless the command runs.
"""
