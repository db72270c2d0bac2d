-- Failed deliveries used to keep up to 200 characters of the receiver's answer after a colon
-- ("HTTP 500: <answer>", "DingTalk errcode 310000: <errmsg>"); keep only the part before it, as
-- deliveries now do.
UPDATE notification_delivery
SET last_error = rtrim(substr(last_error, 1, instr(last_error, ':') - 1))
WHERE (last_error LIKE 'HTTP %:%' OR last_error LIKE 'DingTalk %:%');
