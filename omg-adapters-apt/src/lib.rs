//! libapt-pkg backend (being written).
