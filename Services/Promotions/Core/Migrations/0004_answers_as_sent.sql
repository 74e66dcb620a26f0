-- An application's answer is kept as the event it was sent as, `{"type": …, "data": …}`,
-- so a repeated ApplyPromotions sends the same data without decoding and encoding it
-- again. Earlier rows held Swift's own shape of an enum (`{"applied": {"_0": …}}`).
UPDATE applications SET answer = CASE
    WHEN answer ? 'applied' THEN jsonb_build_object('type', 'omni.promotions.PromotionsApplied.v1', 'data', answer->'applied'->'_0')
    WHEN answer ? 'rejected' THEN jsonb_build_object('type', 'omni.promotions.PromotionsRejected.v1', 'data', answer->'rejected'->'_0')
    ELSE answer END
WHERE answer IS NOT NULL AND NOT answer ? 'type';
