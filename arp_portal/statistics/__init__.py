"""Pure statistics for the portal: rates, intervals, ratios and disclosure control.

Nothing here imports Django, so every function can be checked alone against hand-worked values
or scipy.
"""
