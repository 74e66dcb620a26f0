-- Who is in which customer segment, from customers' SegmentMembershipChanged events:
-- promotions that name segments apply to their members only.
CREATE TABLE segment_members (
    customer_id text NOT NULL,
    segment_id  text NOT NULL,
    since       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, segment_id)
);
