//! domain (being written).
