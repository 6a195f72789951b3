//! omg facade (filled in below).
