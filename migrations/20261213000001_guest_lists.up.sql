-- Hotels a signed-in guest keeps: saved ones (the hearts) and recently viewed ones, newest
-- first. A browser keeps the same lists in cookies while signed out; they move here on sign-in.
CREATE TABLE guest_list_hotels (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    list      TEXT NOT NULL CHECK (list IN ('saved', 'viewed')),
    hotel_id  INTEGER NOT NULL REFERENCES hotels (id) ON DELETE CASCADE,
    listed_at TIMESTAMPTZ NOT NULL DEFAULT statement_timestamp(),
    PRIMARY KEY (user_id, list, hotel_id)
);
CREATE INDEX guest_list_hotels_newest ON guest_list_hotels (user_id, list, listed_at DESC);
