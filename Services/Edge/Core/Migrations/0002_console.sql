-- The staff console's sessions: the cookie's SHA-256 (never the cookie itself), who, the
-- CSRF token every form carries, and when it ends (absolute, and after idling).
CREATE TABLE console_sessions (
    session_hash text PRIMARY KEY,
    member       text NOT NULL,
    csrf         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen    timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

-- Wrong passwords in a row, per login name (known or not): five, then each try waits.
CREATE TABLE console_login_failures (
    member       text PRIMARY KEY,
    failures     int NOT NULL,
    last_failure timestamptz NOT NULL
);
