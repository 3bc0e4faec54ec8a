-- Inventory's stock stream announces each reservation that expires; orders finds the confirmed order that held it
-- (StockWatcher -> OrderStore.reservationsExpired). Only confirmed orders hold a reservation that can lapse.
CREATE INDEX customer_order_confirmed_reservation ON customer_order (reservation_name) WHERE state = 'CONFIRMED';
