"""dangvu (đảng vụ): the records and figures of a party committee's party-building work."""
