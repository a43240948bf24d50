"""The national-programme benchmark behind `make bench`: seed.py fills a database with a
large fictional data set, run.py serves it with gunicorn and drives it with locust
(locustfile.py), report.py turns the numbers into the table in README.md."""
