-- Catalog: products, price lists, locations, the stock ledger, stock levels, reservations.

CREATE TABLE products (
    sku         text PRIMARY KEY,
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    category    text NOT NULL,
    attributes  jsonb NOT NULL DEFAULT '{}',
    active      boolean NOT NULL DEFAULT true,
    version     int NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_category ON products (category);

-- One row per price-list entry. '' = no store (the channel's own list); the window is
-- half-open [valid_from, valid_to).
CREATE TABLE prices (
    sku          text NOT NULL REFERENCES products,
    channel      text NOT NULL,
    store_id     text NOT NULL DEFAULT '',
    valid_from   timestamptz NOT NULL DEFAULT '-infinity',
    valid_to     timestamptz NOT NULL DEFAULT 'infinity',
    currency     text NOT NULL,
    amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sku, channel, store_id, valid_from),
    CHECK (valid_from < valid_to)
);

CREATE TABLE locations (
    location_id       text PRIMARY KEY,
    kind              text NOT NULL CHECK (kind IN ('warehouse', 'store')),
    name              text NOT NULL,
    address           jsonb NOT NULL,
    opening_hours     jsonb NOT NULL DEFAULT '[]',
    latitude          double precision NOT NULL,
    longitude         double precision NOT NULL,
    click_and_collect boolean NOT NULL DEFAULT false,
    ship_from_store   boolean NOT NULL DEFAULT false,
    active            boolean NOT NULL DEFAULT true,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- The current position per sku and location; the ledger is the history it derives from.
-- The CHECK is the last line of defence against oversell: the handlers lock these rows.
CREATE TABLE stock_levels (
    sku          text NOT NULL REFERENCES products,
    location_id  text NOT NULL REFERENCES locations,
    on_hand      int NOT NULL DEFAULT 0,
    reserved     int NOT NULL DEFAULT 0,
    safety_stock int NOT NULL DEFAULT 0,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sku, location_id),
    CHECK (on_hand >= 0 AND reserved >= 0 AND reserved <= on_hand AND safety_stock >= 0)
);

-- Every change of on-hand, signed. sum(quantity) per sku and location = on_hand.
CREATE TABLE stock_ledger (
    movement_id   bigserial PRIMARY KEY,
    sku           text NOT NULL,
    location_id   text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('receipt', 'adjustment', 'transfer-out', 'transfer-in', 'pos-sale', 'order-sale', 'return-restock')),
    quantity      int NOT NULL CHECK (quantity <> 0),
    on_hand_after int NOT NULL,
    reason        text,
    reference     text,
    command_id    uuid,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_ledger_position ON stock_ledger (sku, location_id, movement_id);

CREATE TABLE reservations (
    reservation_id text PRIMARY KEY,
    order_id       text NOT NULL,
    channel        text NOT NULL,
    fulfilment     jsonb NOT NULL,
    status         text NOT NULL CHECK (status IN ('held', 'released', 'committed', 'failed')),
    close_reason   text,
    expires_at     timestamptz NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    closed_at      timestamptz
);
CREATE INDEX reservations_order ON reservations (order_id);
CREATE INDEX reservations_held_expiry ON reservations (expires_at) WHERE status = 'held';

CREATE TABLE reservation_allocations (
    reservation_id text NOT NULL REFERENCES reservations ON DELETE CASCADE,
    sku            text NOT NULL,
    location_id    text NOT NULL,
    quantity       int NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (reservation_id, sku, location_id)
);
