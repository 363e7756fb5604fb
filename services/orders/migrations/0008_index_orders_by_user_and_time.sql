-- The orders a user placed lately, for the order rate limit (ORDER_RATE_LIMIT per ORDER_RATE_WINDOW,
-- domain/order_limits.h): a short range of this index instead of every order the user ever placed.
ALTER TABLE orders ADD KEY IF NOT EXISTS orders_user_created (user_id, created_at);
