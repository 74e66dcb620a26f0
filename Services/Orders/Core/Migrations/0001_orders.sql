-- Orders: carts, orders and their saga, and the read models of the catalog they need.

-- Read model of the catalog's ProductUpserted / PriceChanged / LocationUpserted.
CREATE TABLE products (
    sku        text PRIMARY KEY,
    name       text NOT NULL,
    category   text NOT NULL,
    active     boolean NOT NULL,
    version    integer NOT NULL
);

-- Same shape as the catalog's list ('' = no store), read with the same rule.
CREATE TABLE prices (
    sku          text NOT NULL,
    channel      text NOT NULL,
    store_id     text NOT NULL DEFAULT '',
    valid_from   timestamptz NOT NULL DEFAULT '-infinity',
    valid_to     timestamptz NOT NULL DEFAULT 'infinity',
    currency     text NOT NULL,
    amount_minor bigint NOT NULL,
    PRIMARY KEY (sku, channel, store_id, valid_from)
);

CREATE TABLE locations (
    location_id       text PRIMARY KEY,
    kind              text NOT NULL,
    name              text NOT NULL,
    click_and_collect boolean NOT NULL,
    active            boolean NOT NULL
);

-- One cart per owner (a customer id or an anonymous session id), whatever the channel.
CREATE TABLE carts (
    owner_id     text PRIMARY KEY,
    lines        jsonb NOT NULL DEFAULT '[]',
    last_channel text,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    -- Set when the cart was folded into another (login, customer merge) or checked out.
    merged_into  text,
    checked_out_order text
);

CREATE TABLE orders (
    order_id          text PRIMARY KEY,
    status            text NOT NULL,
    saga_step         text NOT NULL,
    -- When the current saga step gives up waiting (NULL once the saga is done).
    saga_deadline     timestamptz,
    channel           text NOT NULL,
    store_id          text,
    customer_id       text,
    currency          text NOT NULL,
    lines             jsonb NOT NULL,
    promo_codes       jsonb NOT NULL DEFAULT '[]',
    fulfilment        jsonb NOT NULL,
    contact           jsonb,
    payment_reference text NOT NULL,
    subtotal_minor    bigint NOT NULL,
    discount_minor    bigint NOT NULL DEFAULT 0,
    total_minor       bigint NOT NULL,
    reservation_id    text NOT NULL,
    -- The ids of the commands the saga sent, to match a participant's CommandRejected.
    reserve_command_id    uuid,
    promotions_command_id uuid,
    pickup_code       text,
    collect_by        timestamptz,
    reject_code       text,
    reject_message    text,
    correlation_id    text,
    placed_at         timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_by_customer ON orders (customer_id, placed_at DESC);
CREATE INDEX orders_waiting ON orders (saga_deadline) WHERE saga_deadline IS NOT NULL;
CREATE INDEX orders_by_reserve_command ON orders (reserve_command_id);
CREATE INDEX orders_by_promotions_command ON orders (promotions_command_id);

-- Every status an order went through, for the history a channel shows.
CREATE TABLE order_history (
    order_id  text NOT NULL REFERENCES orders,
    seq       bigserial,
    status    text NOT NULL,
    detail    text,
    at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, seq)
);
