-- V4's constraints, checked against the existing rows (SHARE UPDATE EXCLUSIVE: reads and writes go on meanwhile).
ALTER TABLE customer_order VALIDATE CONSTRAINT customer_order_saga_step_check;
ALTER TABLE customer_order VALIDATE CONSTRAINT customer_order_command_step;
