-- Holds the saga never committed nor released expire (HoldExpiry): it walks the applied
-- ones, oldest first.
CREATE INDEX applications_applied ON applications (updated_at) WHERE status = 'applied';
