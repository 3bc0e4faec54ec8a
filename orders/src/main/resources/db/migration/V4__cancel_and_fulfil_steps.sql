-- Cancel and fulfil persist what they are about to do before calling inventory (saga steps CANCELLING and
-- FULFILLING): a crash or a lost answer between inventory's change and the order's write is finished by recovery,
-- instead of leaving a CONFIRMED order whose reservation was released (or committed). Only one command runs on an
-- order at a time: each starts from step DONE.
-- The message of the event the pending command ends with (a cancel's reason), so recovery writes it too.
ALTER TABLE customer_order ADD COLUMN command_message text;
-- New constraints are added NOT VALID (no table scan under the ACCESS EXCLUSIVE lock of ALTER TABLE), and validated
-- by V5 in its own transaction, whose scan takes a lock that lets reads and writes go on.
ALTER TABLE customer_order DROP CONSTRAINT customer_order_saga_step_check,
    ADD CONSTRAINT customer_order_saga_step_check
        CHECK (saga_step IN ('PRICING', 'RESERVING', 'COMPENSATING', 'CANCELLING', 'FULFILLING', 'DONE')) NOT VALID,
    ADD CONSTRAINT customer_order_command_step
        CHECK ((saga_step <> 'CANCELLING' OR state IN ('CONFIRMED', 'BACKORDERED'))
           AND (saga_step <> 'FULFILLING' OR state = 'CONFIRMED')
           AND (command_message IS NULL OR saga_step IN ('CANCELLING', 'FULFILLING'))) NOT VALID;
