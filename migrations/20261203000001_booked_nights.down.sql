DROP FUNCTION booked_nights(date, date);
