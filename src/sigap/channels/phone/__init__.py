"""Phone: an agent logs a call. The caller is found by number, plate or IMEI."""
