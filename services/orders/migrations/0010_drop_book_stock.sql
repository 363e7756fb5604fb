-- Orders never decides on stock (catalog reserves every order), and it no longer takes
-- book.stock_changed, the event of every sale (libs/bus/src/topology.cpp): a stock column here would only
-- hold an old figure.
ALTER TABLE books DROP COLUMN IF EXISTS stock;
