-- The name the account's holder goes by: the book page fills the guest's name in from it, and
-- the first booking with a name gives an account without one its name.
ALTER TABLE users ADD COLUMN full_name TEXT CHECK (length(full_name) BETWEEN 1 AND 100);

-- Who stays and what they ask of the hotel (the app trims and bounds both; NULL: not given,
-- as on every booking made before these existed).
ALTER TABLE bookings
    ADD COLUMN guest_name TEXT CHECK (length(guest_name) BETWEEN 1 AND 100),
    ADD COLUMN guest_request TEXT CHECK (length(guest_request) BETWEEN 1 AND 1000);
