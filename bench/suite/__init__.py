"""The driver of ./bookstore bench (bench/run.py): data set, stack access, wrk runs, scenarios, report."""
