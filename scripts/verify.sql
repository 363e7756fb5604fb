-- The invariants of docs/design.md §4 across catalog's and orders' databases, run by scripts/verify.sh as root
-- through the mariadb client. verify.sh replaces {{catalog}}, {{orders}} (database names, checked to be
-- plain identifiers) and {{settle}} (seconds) before running it.
--
-- Every row is: kind <TAB> check <TAB> detail, where kind is
--   violation  an invariant is broken;
--   settling   an order changed less than {{settle}} seconds ago and the other service may not have
--              caught up yet (a cancelled order whose release is on its way), so it is not judged.
-- Times are UTC in both databases (UTC_TIMESTAMP).

SET @settled_before = UTC_TIMESTAMP(3) - INTERVAL {{settle}} SECOND;

-- 1. Stock is never negative.
SELECT 'violation', 'stock_negative', CONCAT('book ', id, ' has stock ', stock)
FROM `{{catalog}}`.books WHERE stock < 0;

-- 2. For every book, the copies supplied = the copies in stock + the copies held by live reservations
--    (reservations of paid and shipped orders stay 'reserved': those copies are sold).
SELECT 'violation', 'stock_accounting',
       CONCAT('book ', b.id, ': supplied ', b.stock_supplied, ' <> stock ', b.stock, ' + reserved ', COALESCE(r.held, 0))
FROM `{{catalog}}`.books b
LEFT JOIN (SELECT book_id, SUM(quantity) AS held FROM `{{catalog}}`.reservations WHERE status = 'reserved'
           GROUP BY book_id) r ON r.book_id = b.id
WHERE b.stock_supplied <> b.stock + COALESCE(r.held, 0);

SELECT 'violation', 'reservation_without_book',
       CONCAT('order ', r.order_id, ' reserves ', r.quantity, ' of book ', r.book_id, ', which catalog does not have')
FROM `{{catalog}}`.reservations r LEFT JOIN `{{catalog}}`.books b ON b.id = r.book_id
WHERE r.status = 'reserved' AND b.id IS NULL;

-- 3. Every awaiting_payment, paid or shipped order holds a reservation of each of its items, of the
--    same quantity and at the unit price it shows.
SELECT IF(o.updated_at >= @settled_before, 'settling', 'violation'), 'reservation_missing',
       CONCAT('order ', o.id, ' (', o.status, ') wants ', i.quantity, ' of book ', i.book_id, ' but catalog ',
              IF(r.order_id IS NULL, 'holds none for it', CONCAT('holds ', r.quantity, ' at ', r.unit_price)))
FROM `{{orders}}`.orders o
JOIN `{{orders}}`.order_items i ON i.order_id = o.id
LEFT JOIN `{{catalog}}`.reservations r ON r.order_id = o.id AND r.book_id = i.book_id AND r.status = 'reserved'
WHERE o.status IN ('awaiting_payment', 'paid', 'shipped')
  AND (r.order_id IS NULL OR r.quantity <> i.quantity OR NOT (r.unit_price <=> i.unit_price));

-- 4. Copies are held only for orders that need them: a reservation of a pending, cancelled or rejected
--    order (or of an order orders does not know) is a leak once settled.
SELECT IF(GREATEST(r.created_at, COALESCE(o.updated_at, r.created_at)) >= @settled_before, 'settling', 'violation'),
       'reservation_leaked',
       CONCAT(r.quantity, ' of book ', r.book_id, ' reserved for order ', r.order_id,
              IF(o.id IS NULL, ', which orders does not know', CONCAT(', which is ', o.status)))
FROM `{{catalog}}`.reservations r
LEFT JOIN `{{orders}}`.orders o ON o.id = r.order_id
WHERE r.status = 'reserved' AND (o.id IS NULL OR o.status NOT IN ('awaiting_payment', 'paid', 'shipped'));

-- 5. An order's total is what its items cost.
SELECT 'violation', 'total_mismatch',
       CONCAT('order ', o.id, ' (', o.status, ') totals ', o.total_price, ' but its items cost ', SUM(i.quantity * i.unit_price))
FROM `{{orders}}`.orders o JOIN `{{orders}}`.order_items i ON i.order_id = o.id
WHERE o.status IN ('awaiting_payment', 'paid', 'shipped')
GROUP BY o.id, o.status, o.total_price
HAVING NOT (o.total_price <=> SUM(i.quantity * i.unit_price));

-- 6. No order is paid twice; a paid or shipped order has exactly one completed payment, of its total;
--    a completed payment belongs to a paid or shipped order.
SELECT 'violation', 'paid_twice', CONCAT('order ', order_id, ' has ', COUNT(*), ' completed payments')
FROM `{{orders}}`.payments WHERE status = 'completed'
GROUP BY order_id HAVING COUNT(*) > 1;

SELECT 'violation', 'payment_missing', CONCAT('order ', o.id, ' is ', o.status, ' without a completed payment')
FROM `{{orders}}`.orders o
LEFT JOIN `{{orders}}`.payments p ON p.order_id = o.id AND p.status = 'completed'
WHERE o.status IN ('paid', 'shipped') AND p.id IS NULL;

SELECT 'violation', 'payment_of_unpaid_order',
       CONCAT('payment ', p.id, ' completed for order ', p.order_id, IF(o.id IS NULL, ', which does not exist',
              CONCAT(', which is ', o.status)))
FROM `{{orders}}`.payments p LEFT JOIN `{{orders}}`.orders o ON o.id = p.order_id
WHERE p.status = 'completed' AND (o.id IS NULL OR o.status NOT IN ('paid', 'shipped'));

SELECT 'violation', 'payment_amount',
       CONCAT('payment ', p.id, ' of order ', o.id, ' charged ', p.amount, ' for a total of ', o.total_price)
FROM `{{orders}}`.payments p JOIN `{{orders}}`.orders o ON o.id = p.order_id
WHERE p.status = 'completed' AND NOT (p.amount <=> o.total_price);

-- 7. Shipped orders, and only they, have a delivery.
SELECT 'violation', 'delivery_mismatch',
       CONCAT('order ', o.id, ' is ', o.status, IF(d.order_id IS NULL, ' without a delivery', ' with a delivery'))
FROM `{{orders}}`.orders o LEFT JOIN `{{orders}}`.deliveries d ON d.order_id = o.id
WHERE (o.status = 'shipped') <> (d.order_id IS NOT NULL);

-- Not violations: orders catalog has not answered yet (catalog down or slow), for the operator's eye.
SELECT 'settling', 'pending',
       CONCAT('order ', id, ' has waited ', TIMESTAMPDIFF(SECOND, created_at, UTC_TIMESTAMP(3)),
              ' s for catalog to confirm its stock')
FROM `{{orders}}`.orders WHERE status = 'pending';
