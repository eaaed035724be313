"""What a site is once read: its URLs, indexes, lifecycle, URL ledger and the plan of its list pages."""
