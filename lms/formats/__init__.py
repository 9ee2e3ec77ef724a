"""The project's date and number formats, per language (``FORMAT_MODULE_PATH``); Django's own fill the rest.

English reads day month year ("29 November 2026", 24-hour times), never the US month-first style. Russian drops
Django's trailing "g." (year) so a date that ends a sentence does not end it twice ("...2026 g..").
"""
