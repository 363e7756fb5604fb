-- The copies in each order (the sum of its items' quantities), at the end of the index orders_user: the
-- limits of domain/order_limits.h then read a user's unpaid orders and copies from the index alone, and
-- read the items of those orders (copies by book) only for a user whose copies could pass
-- ORDER_MAX_UNPAID_COPIES. Before, every placement read every unpaid order of its user and its items:
-- a cost that grew with what the user held, not with the limits.
-- 0 means "not counted": an order written before this migration, or by a replica of the previous version
-- during a rolling update. A user with such an unpaid order has the items read, as before.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS copies INT UNSIGNED NOT NULL DEFAULT 0 AFTER total_price,
  DROP KEY IF EXISTS orders_user, ADD KEY orders_user (user_id, status, id, copies);
-- Only unpaid orders are ever counted: the others may stay at 0.
UPDATE orders o SET o.copies = (SELECT COALESCE(SUM(i.quantity), 0) FROM order_items i WHERE i.order_id = o.id)
WHERE o.status IN ('pending', 'awaiting_payment') AND o.copies = 0;
