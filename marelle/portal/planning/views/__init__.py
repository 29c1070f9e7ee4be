"""The planning pages, one module per page; helpers they share are in `common`."""
