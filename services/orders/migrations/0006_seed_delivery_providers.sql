-- The providers the store ships with (docs/design.md §2). Ids 1-4 in this order.
INSERT IGNORE INTO delivery_providers (id, name, coverage_area, cost) VALUES
  (1, 'DHL', 'Internacional', 50.00),
  (2, 'FedEx', 'Internacional', 45.00),
  (3, 'Envia', 'Nacional', 20.00),
  (4, 'Servientrega', 'Nacional', 15.00);
