"""The parent's planning: the month grid and the actions on its cells, the demandes, the rhythm.

urls.py (routes, included under "portail/"), forms.py (parse what the browser sent),
cells.py (the grid's cell markup), views/ (one module per page; shared helpers in
views/common.py). What a state looks like comes from `marelle.planning.presentation`.
"""
