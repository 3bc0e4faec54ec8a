-- Cancel and fulfil persist what they are about to do before calling inventory (saga steps CANCELLING and
-- FULFILLING): a crash or a lost answer between inventory's change and the order's write is finished by recovery,
-- instead of leaving a CONFIRMED order whose reservation was released (or committed). Only one command runs on an
-- order at a time: each starts from step DONE.
ALTER TABLE customer_order DROP CONSTRAINT customer_order_saga_step_check;
ALTER TABLE customer_order ADD CONSTRAINT customer_order_saga_step_check
    CHECK (saga_step IN ('PRICING', 'RESERVING', 'COMPENSATING', 'CANCELLING', 'FULFILLING', 'DONE'));
ALTER TABLE customer_order ADD CONSTRAINT customer_order_command_step_state
    CHECK ((saga_step <> 'CANCELLING' OR state IN ('CONFIRMED', 'BACKORDERED'))
       AND (saga_step <> 'FULFILLING' OR state = 'CONFIRMED'));
-- The message of the event the pending command ends with (a cancel's reason), so recovery writes it too.
ALTER TABLE customer_order ADD COLUMN command_message text;
