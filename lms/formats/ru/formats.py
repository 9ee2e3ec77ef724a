# Django's Russian formats without the trailing "g." (year): a sentence puts its own full stop after a date.
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, G:i"
YEAR_MONTH_FORMAT = "F Y"
