"""A virtual BLE radio: bumble controllers linked over loopback, for tests and the demo."""
