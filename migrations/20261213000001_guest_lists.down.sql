DROP TABLE guest_list_hotels;
