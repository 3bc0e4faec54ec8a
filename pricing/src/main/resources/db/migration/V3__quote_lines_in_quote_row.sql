-- A quote is written once, never changed, and read whole (GetQuote, a retried QuotePrices stream); it has at most
-- 1,000 lines. Its lines move into the quote's own row as parallel arrays (element i is line index i - 1): one row
-- and one index entry per quote instead of a row, an index entry and a foreign-key check per line, which made
-- storing a 1,000-line quote the largest part of PostgreSQL's work for a QuotePrices stream (pricing/README.md).
ALTER TABLE quote
    ADD COLUMN line_sku               text[],
    ADD COLUMN line_quantity          bigint[],
    ADD COLUMN line_unit_minor        bigint[],
    ADD COLUMN line_list_unit_minor   bigint[],
    ADD COLUMN line_total_minor       bigint[],
    ADD COLUMN line_tier_min_quantity bigint[],
    ADD COLUMN line_promotion_id      text[];

UPDATE quote q
SET line_sku = l.sku, line_quantity = l.quantity, line_unit_minor = l.unit_minor,
    line_list_unit_minor = l.list_unit_minor, line_total_minor = l.line_total_minor,
    line_tier_min_quantity = l.tier_min_quantity, line_promotion_id = l.promotion_id
FROM (SELECT quote_id,
             array_agg(sku ORDER BY line_index)               AS sku,
             array_agg(quantity ORDER BY line_index)          AS quantity,
             array_agg(unit_minor ORDER BY line_index)        AS unit_minor,
             array_agg(list_unit_minor ORDER BY line_index)   AS list_unit_minor,
             array_agg(line_total_minor ORDER BY line_index)  AS line_total_minor,
             array_agg(tier_min_quantity ORDER BY line_index) AS tier_min_quantity,
             array_agg(promotion_id ORDER BY line_index)      AS promotion_id
      FROM quote_line GROUP BY quote_id) l
WHERE l.quote_id = q.id;

ALTER TABLE quote
    ALTER COLUMN line_sku SET NOT NULL,
    ALTER COLUMN line_quantity SET NOT NULL,
    ALTER COLUMN line_unit_minor SET NOT NULL,
    ALTER COLUMN line_list_unit_minor SET NOT NULL,
    ALTER COLUMN line_total_minor SET NOT NULL,
    ALTER COLUMN line_tier_min_quantity SET NOT NULL,
    ALTER COLUMN line_promotion_id SET NOT NULL,
    -- One dimension, indexed from 1, 1 to 1,000 lines, every array as long as line_sku.
    ADD CONSTRAINT quote_lines_shape CHECK (
        cardinality(line_sku) BETWEEN 1 AND 1000
        AND array_dims(line_sku) = '[1:' || cardinality(line_sku) || ']'
        AND array_dims(line_quantity) = array_dims(line_sku)
        AND array_dims(line_unit_minor) = array_dims(line_sku)
        AND array_dims(line_list_unit_minor) = array_dims(line_sku)
        AND array_dims(line_total_minor) = array_dims(line_sku)
        AND array_dims(line_tier_min_quantity) = array_dims(line_sku)
        AND array_dims(line_promotion_id) = array_dims(line_sku)),
    -- The per-line rules of the former quote_line columns (a NULL element would pass ALL, so none is allowed).
    ADD CONSTRAINT quote_lines_values CHECK (
        array_position(line_sku, NULL) IS NULL
        AND array_position(line_quantity, NULL) IS NULL AND 1 <= ALL (line_quantity)
        AND array_position(line_unit_minor, NULL) IS NULL AND 0 <= ALL (line_unit_minor)
        AND array_position(line_list_unit_minor, NULL) IS NULL AND 0 <= ALL (line_list_unit_minor)
        AND array_position(line_total_minor, NULL) IS NULL AND 0 <= ALL (line_total_minor)
        AND array_position(line_tier_min_quantity, NULL) IS NULL AND 1 <= ALL (line_tier_min_quantity));

DROP TABLE quote_line;
