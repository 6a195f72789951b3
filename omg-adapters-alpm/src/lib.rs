//! libalpm backend (being written).
