-- A covering index for the current-inventory queries of the bucket list and the overview.
--
-- With 100,000 buckets, the region list of the filter form, the count behind the pager and the
-- per-region table each read every bucket row only to test `gone_at` and fetch `state_id` /
-- `compliant` (EXPLAIN QUERY PLAN: "SEARCH bucket USING INDEX bucket_by_region (account_id=?)").
-- With these columns in the index they are answered from the index alone ("USING COVERING
-- INDEX"), in name-free region order, which also serves GROUP BY region without a sort.
-- Measured on a 100,000-bucket scan: the region list 57 -> 15 ms, the filtered count 30 -> 14 ms.

CREATE INDEX bucket_current_by_region ON bucket (account_id, region, gone_at, compliant, state_id);
